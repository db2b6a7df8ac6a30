//! Cipher suite ids and IANA names, and the weak classes they fall into.
//!
//! The table is the IANA TLS Cipher Suites registry minus TLS 1.3 suites, signalling values and
//! ranges IANA marks reserved, plus the EXPORT1024 and DHE-DSS-RC4 suites that old OpenSSL
//! releases deployed in the reserved 0x0060-0x0066 range.

/// Sorted by id, so names are found by binary search.
const SUITES: &[(u16, &str)] = &[
    (0x0001, "TLS_RSA_WITH_NULL_MD5"),
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA"),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA"),
    (0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA"),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"),
    (0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA"),
    (0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0x001E, "TLS_KRB5_WITH_DES_CBC_SHA"),
    (0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA"),
    (0x0020, "TLS_KRB5_WITH_RC4_128_SHA"),
    (0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA"),
    (0x0022, "TLS_KRB5_WITH_DES_CBC_MD5"),
    (0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5"),
    (0x0024, "TLS_KRB5_WITH_RC4_128_MD5"),
    (0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5"),
    (0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA"),
    (0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA"),
    (0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA"),
    (0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5"),
    (0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5"),
    (0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5"),
    (0x002C, "TLS_PSK_WITH_NULL_SHA"),
    (0x002D, "TLS_DHE_PSK_WITH_NULL_SHA"),
    (0x002E, "TLS_RSA_PSK_WITH_NULL_SHA"),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"),
    (0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA"),
    (0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA"),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
    (0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA"),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256"),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
    (0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256"),
    (0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256"),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"),
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5"),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5"),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA"),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA"),
    (0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA"),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256"),
    (0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256"),
    (0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
    (0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"),
    (0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"),
    (0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA"),
    (0x008A, "TLS_PSK_WITH_RC4_128_SHA"),
    (0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA"),
    (0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA"),
    (0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA"),
    (0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA"),
    (0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA"),
    (0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA"),
    (0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA"),
    (0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA"),
    (0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"),
    (0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA"),
    (0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA"),
    (0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA"),
    (0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"),
    (0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA"),
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256"),
    (0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384"),
    (0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"),
    (0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"),
    (0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256"),
    (0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384"),
    (0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"),
    (0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"),
    (0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256"),
    (0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384"),
    (0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00B0, "TLS_PSK_WITH_NULL_SHA256"),
    (0x00B1, "TLS_PSK_WITH_NULL_SHA384"),
    (0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256"),
    (0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384"),
    (0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256"),
    (0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384"),
    (0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256"),
    (0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384"),
    (0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256"),
    (0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"),
    (0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256"),
    (0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
    (0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA"),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA"),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"),
    (0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
    (0xC015, "TLS_ECDH_anon_WITH_NULL_SHA"),
    (0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA"),
    (0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"),
    (0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"),
    (0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"),
    (0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA"),
    (0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA"),
    (0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA"),
    (0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA"),
    (0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA"),
    (0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA"),
    (0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA"),
    (0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA"),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"),
    (0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"),
    (0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"),
    (0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"),
    (0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"),
    (0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA"),
    (0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA"),
    (0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"),
    (0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA"),
    (0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"),
    (0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384"),
    (0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA"),
    (0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256"),
    (0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384"),
    (0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256"),
    (0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384"),
    (0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256"),
    (0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384"),
    (0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256"),
    (0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384"),
    (0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256"),
    (0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384"),
    (0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256"),
    (0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384"),
    (0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256"),
    (0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384"),
    (0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256"),
    (0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384"),
    (0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256"),
    (0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384"),
    (0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256"),
    (0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384"),
    (0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256"),
    (0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384"),
    (0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256"),
    (0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384"),
    (0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256"),
    (0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384"),
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM"),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM"),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM"),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM"),
    (0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8"),
    (0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8"),
    (0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8"),
    (0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8"),
    (0xC0A4, "TLS_PSK_WITH_AES_128_CCM"),
    (0xC0A5, "TLS_PSK_WITH_AES_256_CCM"),
    (0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM"),
    (0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM"),
    (0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8"),
    (0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8"),
    (0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8"),
    (0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8"),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    (0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"),
    (0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"),
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256"),
    (0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"),
];

/// The TLS 1.3 suites (RFC 8446, CCM included), which name no key exchange.
pub const TLS13_SUITES: [(u16, &str); 5] = [
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256"),
];

/// The IANA name of a cipher suite, or its hex id when it is not in the table.
pub fn suite_name(id: u16) -> String {
    if let Some((_, name)) = TLS13_SUITES.iter().find(|(k, _)| *k == id) {
        return name.to_string();
    }
    match SUITES.binary_search_by_key(&id, |(k, _)| *k) {
        Ok(i) => SUITES[i].1.to_string(),
        Err(_) => format!("cipher suite 0x{id:04X}"),
    }
}

/// How a suite agrees on keys, read from its IANA name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExchange {
    /// TLS 1.3: always ephemeral, negotiated outside the suite.
    Tls13,
    Ecdhe,
    Dhe,
    /// The client encrypts the premaster secret to the certificate's RSA key: whoever gets the
    /// key later decrypts every recorded session (no forward secrecy).
    StaticRsa,
    /// Fixed (EC)DH certificates, anonymous, PSK, SRP, Kerberos: rare and never forward
    /// secret in a way a client can rely on.
    Other,
}

/// What the suite encrypts records with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordProtection {
    /// GCM, CCM, ChaCha20-Poly1305.
    Aead,
    /// MAC-then-encrypt CBC: padding-oracle and timing attacks (Lucky13) are its history.
    Cbc,
    /// RC4 or no encryption at all.
    StreamOrNull,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SuiteTraits {
    pub key_exchange: KeyExchange,
    pub protection: RecordProtection,
    /// The certificate signs the key exchange with ECDSA (ECDHE_ECDSA suites).
    pub ecdsa: bool,
}

impl SuiteTraits {
    pub fn forward_secret(&self) -> bool {
        matches!(
            self.key_exchange,
            KeyExchange::Tls13 | KeyExchange::Ecdhe | KeyExchange::Dhe
        )
    }
}

pub fn suite_traits(id: u16) -> SuiteTraits {
    let name = suite_name(id);
    let key_exchange = if TLS13_SUITES.iter().any(|(k, _)| *k == id) {
        KeyExchange::Tls13
    } else if name.contains("PSK") || name.contains("_anon_") || name.contains("SRP") {
        KeyExchange::Other
    } else if name.starts_with("TLS_ECDHE_") {
        KeyExchange::Ecdhe
    } else if name.starts_with("TLS_DHE_") {
        KeyExchange::Dhe
    } else if name.starts_with("TLS_RSA_") {
        KeyExchange::StaticRsa
    } else {
        KeyExchange::Other
    };
    let protection = if ["GCM", "CCM", "CHACHA20"].iter().any(|p| name.contains(p)) {
        RecordProtection::Aead
    } else if name.contains("_RC4_") || name.contains("_WITH_NULL_") {
        RecordProtection::StreamOrNull
    } else {
        RecordProtection::Cbc
    };
    SuiteTraits {
        key_exchange,
        protection,
        ecdsa: name.starts_with("TLS_ECDHE_ECDSA_"),
    }
}

/// Every suite a client can negotiate without out-of-band setup (no PSK, SRP, Kerberos), at
/// `version` (TLS 1.2-only suites left out below it), in table order.
pub fn negotiable_suites(tls12: bool) -> Vec<u16> {
    let tls12_only = |name: &str| {
        ["_SHA256", "_SHA384", "GCM", "CCM", "CHACHA20"]
            .iter()
            .any(|part| name.contains(part))
    };
    SUITES
        .iter()
        .filter(|(_, name)| !["PSK", "SRP", "KRB5"].iter().any(|p| name.contains(p)))
        .filter(|(_, name)| tls12 || !tls12_only(name))
        .map(|(id, _)| *id)
        .collect()
}

/// A class of cipher suites that gives no or broken confidentiality or authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeakClass {
    /// No encryption at all.
    Null,
    /// No server authentication (aNULL): anyone in the path can impersonate the server.
    Anonymous,
    /// 40/56-bit export-grade keys.
    Export,
    Rc4,
    /// Single DES and 3DES (Sweet32).
    Des,
}

impl WeakClass {
    pub const ALL: [WeakClass; 5] = [
        WeakClass::Null,
        WeakClass::Anonymous,
        WeakClass::Export,
        WeakClass::Rc4,
        WeakClass::Des,
    ];

    pub fn label(self) -> &'static str {
        match self {
            WeakClass::Null => "NULL",
            WeakClass::Anonymous => "anonymous",
            WeakClass::Export => "EXPORT",
            WeakClass::Rc4 => "RC4",
            WeakClass::Des => "DES/3DES",
        }
    }

    /// Classified by IANA name, whose parts name the key exchange, cipher and MAC.
    fn matches(self, name: &str) -> bool {
        match self {
            WeakClass::Null => name.contains("_WITH_NULL_"),
            WeakClass::Anonymous => name.contains("_anon_"),
            WeakClass::Export => name.contains("_EXPORT"),
            WeakClass::Rc4 => name.contains("_RC4_"),
            WeakClass::Des => {
                name.contains("_DES_") || name.contains("_DES40_") || name.contains("_3DES_")
            }
        }
    }

    /// Every suite of the class, in id order.
    pub fn suites(self) -> Vec<u16> {
        SUITES
            .iter()
            .filter(|(_, name)| self.matches(name))
            .map(|(id, _)| *id)
            .collect()
    }
}

fn is_weak(name: &str) -> bool {
    WeakClass::ALL.iter().any(|c| c.matches(name))
}

/// What the version probes offer: every suite a server could choose below TLS 1.2 without
/// out-of-band setup (PSK, SRP and Kerberos need shared secrets). Strong suites come first so
/// that a server honouring the client's order reports a representative suite, but weak ones are
/// offered too: a server that speaks TLS 1.0 only with RC4 still speaks TLS 1.0.
pub fn legacy_offer() -> Vec<u16> {
    let usable_before_tls12 = |name: &str| {
        ![
            "PSK", "SRP", "KRB5", "_SHA256", "_SHA384", "GCM", "CCM", "CHACHA20",
        ]
        .iter()
        .any(|part| name.contains(part))
    };
    let mut offer: Vec<(bool, u16)> = SUITES
        .iter()
        .filter(|(_, name)| usable_before_tls12(name))
        .map(|(id, name)| (is_weak(name), *id))
        .collect();
    // Strong before weak; within each, ECDHE (0xC0xx) before DHE before RSA.
    offer.sort_by_key(|(weak, id)| (*weak, std::cmp::Reverse(*id)));
    offer.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_without_duplicates() {
        assert!(SUITES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(suite_name(0x0002), "TLS_RSA_WITH_NULL_SHA");
        assert_eq!(suite_name(0xC013), "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
        assert_eq!(suite_name(0x13FF), "cipher suite 0x13FF");
    }

    #[test]
    fn classes_hold_the_registry_suites_they_should() {
        let null = WeakClass::Null.suites();
        for id in [
            0x0001, 0x0002, 0x003B, 0xC001, 0xC006, 0xC00B, 0xC010, 0xC015, 0x002C, 0x002D, 0x002E,
        ] {
            assert!(null.contains(&id), "NULL misses 0x{id:04X}");
        }
        let anon = WeakClass::Anonymous.suites();
        for id in [
            0x0018, 0x001A, 0x001B, 0x0034, 0x003A, 0x006C, 0x006D, 0xC015, 0xC016, 0xC017, 0xC018,
            0xC019, 0x00A6, 0x00A7,
        ] {
            assert!(anon.contains(&id), "anon misses 0x{id:04X}");
        }
        let export = WeakClass::Export.suites();
        for id in [
            0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019, 0x0062, 0x0063,
            0x0064, 0x0065,
        ] {
            assert!(export.contains(&id), "EXPORT misses 0x{id:04X}");
        }
        let rc4 = WeakClass::Rc4.suites();
        for id in [
            0x0004, 0x0005, 0x0018, 0xC002, 0xC007, 0xC00C, 0xC011, 0xC016,
        ] {
            assert!(rc4.contains(&id), "RC4 misses 0x{id:04X}");
        }
        let des = WeakClass::Des.suites();
        for id in [
            0x0009, 0x000A, 0x000C, 0x000D, 0x000F, 0x0010, 0x0012, 0x0013, 0x0015, 0x0016, 0x001A,
            0x001B, 0xC003, 0xC008, 0xC00D, 0xC012, 0xC017,
        ] {
            assert!(des.contains(&id), "DES misses 0x{id:04X}");
        }
        // Nothing strong slips into a weak class.
        for class in WeakClass::ALL {
            for id in [0x002F, 0x0035, 0x009C, 0xC013, 0xC02F, 0xCCA8] {
                assert!(!class.suites().contains(&id), "{class:?} holds 0x{id:04X}");
            }
        }
    }

    #[test]
    fn traits_come_from_the_names() {
        let t = suite_traits(0xC02F);
        assert_eq!(
            (t.key_exchange, t.protection, t.ecdsa),
            (KeyExchange::Ecdhe, RecordProtection::Aead, false)
        );
        let t = suite_traits(0xC00A);
        assert_eq!(
            (t.key_exchange, t.protection, t.ecdsa),
            (KeyExchange::Ecdhe, RecordProtection::Cbc, true)
        );
        assert_eq!(suite_traits(0x002F).key_exchange, KeyExchange::StaticRsa);
        assert!(!suite_traits(0x009C).forward_secret());
        assert_eq!(suite_traits(0x009E).key_exchange, KeyExchange::Dhe);
        assert_eq!(suite_traits(0x1303).key_exchange, KeyExchange::Tls13);
        assert_eq!(suite_traits(0x0034).key_exchange, KeyExchange::Other);
        assert_eq!(
            suite_traits(0x0005).protection,
            RecordProtection::StreamOrNull
        );
        assert_eq!(suite_traits(0xCCA8).protection, RecordProtection::Aead);
        let old = negotiable_suites(false);
        assert!(old.contains(&0x002F) && !old.contains(&0xC02F) && !old.contains(&0x008C));
        assert!(negotiable_suites(true).contains(&0xC02F));
    }

    #[test]
    fn legacy_offer_puts_strong_suites_first_and_leaves_out_tls12_only_ones() {
        let offer = legacy_offer();
        assert_eq!(offer.first(), Some(&0xC014), "ECDHE-RSA-AES256-SHA first");
        let first_weak = offer
            .iter()
            .position(|id| is_weak(&suite_name(*id)))
            .unwrap();
        assert!(offer[first_weak..]
            .iter()
            .all(|id| is_weak(&suite_name(*id))));
        assert!(offer.contains(&0x002F) && offer.contains(&0x000A) && offer.contains(&0x0005));
        assert!(!offer.contains(&0xC02F), "GCM is TLS 1.2 only");
        assert!(!offer.contains(&0x008C), "PSK needs a shared key");
        assert!(offer.len() < 128, "{} suites", offer.len());
    }
}

//! A small TLS record codec: builds ClientHellos for any version and parses ServerHello/Alert.

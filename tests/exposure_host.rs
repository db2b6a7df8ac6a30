//! Listeners and ufw read from fixture `/proc` and `/etc` trees under a host root, and the
//! live `/proc` of this test process: a socket the test binds must appear, with its process.

mod common;

use common::host::{ufw as write_ufw, write, TCP_HEADER};
use rampart::checks::exposure::docker_ufw;
use rampart::checks::exposure::firewall::ExposureFirewall;
use rampart::checks::exposure::listeners::ExposureListeners;
use rampart::facts::compose::model::{ComposeProject, PublishedPort, Service};
use rampart::facts::host_root::HostRoot;
use rampart::facts::listeners::{self, ListenersError};
use rampart::facts::ufw::{self, UfwState};
use rampart::finding::Status;
use rampart::ip::Reach;
use std::net::TcpListener;
use std::path::PathBuf;

/// A host where PostgreSQL listens on all interfaces, Redis on loopback, and docker-proxy
/// publishes 3000 on `::`.
fn fixture_host() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "/proc/net/tcp",
        &format!(
            "{TCP_HEADER}   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 1001 1 0 100 0 0 10 0\n\
             \x20  1: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 1002 1 0 100 0 0 10 0\n"
        ),
    );
    write(
        root,
        "/proc/net/tcp6",
        &format!(
            "{TCP_HEADER}   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1003 1 0 100 0 0 10 0\n"
        ),
    );
    for (pid, name, inode) in [
        (812, "postgres", 1001),
        (913, "redis-server", 1002),
        (1500, "docker-proxy", 1003),
    ] {
        let fd = root.join(format!("proc/{pid}/fd"));
        std::fs::create_dir_all(&fd).unwrap();
        std::os::unix::fs::symlink(format!("socket:[{inode}]"), fd.join("5")).unwrap();
        std::os::unix::fs::symlink("/dev/null", fd.join("0")).unwrap();
        write(root, &format!("/proc/{pid}/comm"), &format!("{name}\n"));
    }
    dir
}

#[test]
fn fixture_listeners_are_judged_with_their_processes() {
    let dir = fixture_host();
    let root = HostRoot::new(dir.path());
    let all = listeners::gather(&root, false).unwrap();
    assert_eq!(all.sockets.len(), 3, "{all:#?}");
    let check = ExposureListeners {
        loopback_only: vec![5432, 6379, 3000, 8090],
        udp: false,
    };
    let facts = listeners::on_ports(&all, &root, &check.loopback_only);
    let obs = check.judge_listeners(&facts);
    let find = |s: &str| {
        obs.iter()
            .find(|o| o.subject == s)
            .unwrap_or_else(|| panic!("{s} not in {obs:#?}"))
    };
    let pg = find("0.0.0.0:5432/tcp");
    assert_eq!(pg.status, Status::Fail);
    assert!(pg.message.contains("postgres (pid 812)"), "{}", pg.message);
    assert_eq!(find("port 6379").status, Status::Pass);
    assert!(find("port 6379").message.contains("redis-server"));
    let web = find("[::]:3000/tcp");
    assert_eq!(web.status, Status::Fail);
    assert!(web.message.contains("docker-proxy"));
    assert_eq!(find("port 8090").status, Status::Pass);
}

#[test]
fn a_host_root_without_proc_net_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let err = listeners::gather(&HostRoot::new(dir.path()), false).unwrap_err();
    assert!(matches!(err, ListenersError::NoTables(_)), "{err}");
}

#[test]
fn live_proc_shows_the_socket_this_test_binds_with_its_process() {
    let loopback = TcpListener::bind("127.0.0.1:0").unwrap();
    let wildcard = TcpListener::bind("0.0.0.0:0").unwrap();
    let (lp, wp) = (
        loopback.local_addr().unwrap().port(),
        wildcard.local_addr().unwrap().port(),
    );
    let all = listeners::gather(&HostRoot::default(), false).unwrap();
    let facts = listeners::on_ports(&all, &HostRoot::default(), &[lp, wp]);
    let mine = |port: u16| {
        facts
            .sockets
            .iter()
            .find(|s| s.port == port)
            .unwrap_or_else(|| panic!("port {port} not among {} listeners", facts.sockets.len()))
    };
    let l = mine(lp);
    assert_eq!(l.scope(), Reach::Loopback);
    let process = l
        .process
        .as_ref()
        .expect("our own socket maps to our process");
    assert_eq!(process.pid, std::process::id());
    let exe = std::env::current_exe().unwrap();
    let exe_name = exe.file_name().unwrap().to_string_lossy();
    assert!(
        exe_name.starts_with(&process.name),
        "{} vs {exe_name}",
        process.name
    );
    assert_eq!(mine(wp).scope(), Reach::AllInterfaces);

    let check = ExposureListeners {
        loopback_only: vec![lp, wp],
        udp: false,
    };
    let obs = check.judge_listeners(&facts);
    let wild = obs
        .iter()
        .find(|o| o.subject == format!("0.0.0.0:{wp}/tcp"))
        .unwrap();
    assert_eq!(wild.status, Status::Fail);
    assert!(wild
        .message
        .contains(&format!("pid {}", std::process::id())));
    let lo = obs
        .iter()
        .find(|o| o.subject == format!("port {lp}"))
        .unwrap();
    assert_eq!(lo.status, Status::Pass);
}

fn ufw_tree(enabled: &str, policy: &str, rules: &[&str], rules6: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_ufw(dir.path(), enabled, policy, rules);
    let mut v6 = String::from("*filter\n:ufw6-user-input - [0:0]\n### RULES ###\n\n");
    for t in rules6 {
        v6.push_str(&format!(
            "### tuple ### {t}\n-A ufw6-user-input -j ACCEPT\n\n"
        ));
    }
    v6.push_str("### END RULES ###\nCOMMIT\n");
    write(dir.path(), "/etc/ufw/user6.rules", &v6);
    dir
}

fn firewall_check() -> ExposureFirewall {
    ExposureFirewall {
        forbidden: vec![5432, 6379, 2375],
        allowed: vec![80, 443],
        conditional: vec![],
        ssh_port: 22,
    }
}

#[test]
fn hardened_ufw_tree_passes() {
    let dir = ufw_tree(
        "yes",
        "DROP",
        &[
            "limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in",
            "allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in",
        ],
        &[
            "limit tcp 22 ::/0 any ::/0 in",
            "allow tcp 443 ::/0 any ::/0 in",
        ],
    );
    let state = ufw::gather(&HostRoot::new(dir.path())).unwrap();
    let obs = firewall_check().judge_ufw(&state);
    assert!(obs.iter().all(|o| o.status == Status::Pass), "{obs:#?}");
}

#[test]
fn permissive_ufw_tree_fails_where_it_should() {
    let dir = ufw_tree(
        "no",
        "ACCEPT",
        &["allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in"],
        &[],
    );
    let state = ufw::gather(&HostRoot::new(dir.path())).unwrap();
    let obs = firewall_check().judge_ufw(&state);
    let status = |s: &str| obs.iter().find(|o| o.subject == s).map(|o| o.status);
    assert_eq!(status("ufw"), Some(Status::Fail), "{obs:#?}");
    assert_eq!(status("ufw: default incoming"), Some(Status::Fail));
    assert_eq!(status("ufw: 5432/tcp"), Some(Status::Fail));
    assert_eq!(
        status("ufw: 6379/tcp"),
        Some(Status::Fail),
        "default ACCEPT admits it"
    );
    assert_eq!(status("ufw: 22/tcp"), Some(Status::Warn));
}

#[test]
fn no_ufw_is_a_warning_that_names_the_scope() {
    let dir = tempfile::tempdir().unwrap();
    let state = ufw::gather(&HostRoot::new(dir.path())).unwrap();
    assert_eq!(state, UfwState::NotInstalled);
    let obs = firewall_check().judge_ufw(&state);
    assert_eq!(obs[0].status, Status::Warn);
    assert!(obs[0].message.contains("out of scope"));
    assert_eq!(docker_ufw::judge(&state, None, &[])[0].status, Status::Skip);
}

#[test]
fn docker_published_database_bypasses_an_enabled_ufw() {
    let dir = ufw_tree(
        "yes",
        "DROP",
        &[
            "limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in",
            "allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in",
        ],
        &[],
    );
    let state = ufw::gather(&HostRoot::new(dir.path())).unwrap();
    let mut project = ComposeProject::default();
    let port = |host_ip: Option<&str>, p: u16| PublishedPort {
        host_ip: host_ip.map(str::to_string),
        published: Some(p),
        published_end: Some(p),
        target: p,
        target_end: p,
        protocol: "tcp".into(),
        source: PathBuf::from("docker-compose.yml"),
        raw: format!("{p}:{p}"),
        resolved: format!("{p}:{p}"),
    };
    project.services.insert(
        "db".into(),
        Service {
            ports: vec![port(None, 5432)],
            ..Service::default()
        },
    );
    project.services.insert(
        "caddy".into(),
        Service {
            ports: vec![port(None, 443)],
            ..Service::default()
        },
    );
    project.services.insert(
        "web".into(),
        Service {
            ports: vec![port(Some("127.0.0.1"), 3000)],
            ..Service::default()
        },
    );
    let obs = docker_ufw::judge(&state, Some(&project), &[443]);
    let db = obs
        .iter()
        .find(|o| o.subject.starts_with("service db"))
        .unwrap();
    assert_eq!(db.status, Status::Fail, "{obs:#?}");
    assert!(db.expected.contains("127.0.0.1") && db.expected.contains("DOCKER-USER"));
    let caddy = obs
        .iter()
        .find(|o| o.subject.starts_with("service caddy"))
        .unwrap();
    assert_eq!(caddy.status, Status::Pass);
    assert!(!obs.iter().any(|o| o.subject.starts_with("service web")));
}

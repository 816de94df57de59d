//! Which adapter found each device: loopback, as the tests and the demo run discovery, and, in
//! network namespaces this test makes, a computer whose cameras sit behind the adapter that is
//! not the default route: the device is found there, and no probe gets past the LANs.
#![allow(clippy::unwrap_used)]

use crate::support;

use protocol::proxy_api::{Adapter, Discovery};
use std::net::{IpAddr, Ipv4Addr};
use support::{config, get, start};

#[tokio::test]
async fn a_loopback_device_is_listed_as_found_on_loopback() {
    let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
    let device =
        devsim::start(devsim::Config::loopback(identity).with_sadp("127.0.0.1:0".parse().unwrap()))
            .await
            .unwrap();
    let mut config = config(&[]);
    config.sadp_target = device.sadp_addr.unwrap();
    let proxy = start(config).await;
    let answer = get(proxy, "devices").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let found: Discovery = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(found.devices.len(), 1, "{:?}", found.devices);
    let adapter = found.devices[0].found_on.clone().expect("an adapter");
    assert_eq!(adapter.address, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert!(adapter.name.is_some_and(|n| !n.is_empty()));
    #[cfg(target_os = "linux")]
    assert_eq!(
        found.devices[0].found_on,
        Some(Adapter {
            name: Some("lo".into()),
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
        })
    );
}

#[cfg(target_os = "linux")]
mod netns {
    //! The lab, four namespaces joined by veth pairs, all addresses private to them:
    //!
    //! ```text
    //!  net (beyond the LAN)   home (the default route's LAN)         pc (the proxy)
    //!  wan 10.231.3.2 ─────── wan 10.231.3.1, lan 10.231.1.1 ─────── home0 10.231.1.20
    //!                         cams (the device's LAN)
    //!                         lan 10.231.2.64 ────────────────────── cams0 10.231.2.20
    //! ```
    //!
    //! The pc's default route is via home; the device is behind cams0. home routes (forwarding
    //! on) to net, which stands for everything beyond the LAN and must receive nothing. The
    //! proxy and the device run as this test binary again (`netns_role`), inside `ip netns exec`.

    use super::support::{get, start};
    use protocol::proxy_api::{Adapter, Discovery};
    use protocol::sadp::{DISCOVERY_PROBE_TYPES, SADP_MULTICAST_V4, SADP_PORT};
    use reset_proxy::discovery::PROBES_PER_SCAN;
    use std::io::Write;
    use std::net::SocketAddr;
    use std::process::Stdio;
    use std::time::Duration;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tokio::process::{Child, Command};

    /// Tells this binary, run again inside a namespace, which part to play.
    const ROLE: &str = "RESET_WIZARD_NETNS_ROLE";
    /// Lets a developer without root skip the namespace test, saying so; never honoured in CI.
    const SKIP: &str = "RESET_WIZARD_SKIP_NETNS";
    /// The line the device prints once it answers probes, then its serial.
    const READY: &str = "netns-device-ready";
    /// The line the proxy prints before the device list's JSON.
    const LISTED: &str = "netns-devices";
    const DEVICE_IP: &str = "10.231.2.64";
    const CAMS_ADAPTER_IP: &str = "10.231.2.20";

    /// The namespaces and the processes in them; removed when dropped, also after a failure.
    struct Lab {
        prefix: String,
        made: Vec<String>,
        children: Vec<Child>,
    }

    impl Lab {
        fn new() -> Lab {
            Lab {
                prefix: format!(
                    "rw-sadp-{}-{:08x}",
                    std::process::id(),
                    rand::random::<u32>()
                ),
                made: Vec::new(),
                children: Vec::new(),
            }
        }

        fn ns(&self, part: &str) -> String {
            format!("{}-{part}", self.prefix)
        }

        fn add(&mut self, part: &str) {
            let name = self.ns(part);
            ip(&["netns", "add", &name]);
            self.made.push(name.clone());
            // No IPv6: its neighbour and listener reports would muddy the packet counts.
            shell(
                &name,
                "for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 \
                 /proc/sys/net/ipv6/conf/default/disable_ipv6; \
                 do if [ -w $f ]; then echo 1 > $f; fi; done",
            );
        }

        /// This test binary again, in namespace `part`, playing `role`.
        fn run_role(&self, part: &str, role: &str) -> Command {
            let mut command = Command::new("ip");
            command
                .args(["netns", "exec", &self.ns(part)])
                .arg(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "discovery_adapters::netns::netns_role",
                    "--ignored",
                    "--nocapture",
                ])
                .args(["--test-threads", "1"])
                .env(ROLE, role)
                .stdout(Stdio::piped())
                .kill_on_drop(true);
            command
        }
    }

    impl Drop for Lab {
        fn drop(&mut self) {
            for child in &mut self.children {
                let _ = child.start_kill();
            }
            for name in &self.made {
                let _ = std::process::Command::new("ip")
                    .args(["netns", "del", name])
                    .status();
            }
        }
    }

    /// Runs `ip` with `args`, failing the test with its complaint.
    fn ip(args: &[&str]) -> String {
        let out = std::process::Command::new("ip")
            .args(args)
            .output()
            .unwrap_or_else(|err| panic!("running ip {args:?}: {err}"));
        assert!(
            out.status.success(),
            "ip {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `ip -n ns` with the words of `line`.
    fn ip_in(ns: &str, line: &str) -> String {
        let mut args = vec!["-n", ns];
        args.extend(line.split_whitespace());
        ip(&args)
    }

    fn shell(ns: &str, script: &str) {
        ip(&["netns", "exec", ns, "sh", "-c", script]);
    }

    /// The packets `dev` in `ns` has received.
    fn rx_packets(ns: &str, dev: &str) -> u64 {
        let json = ip_in(ns, &format!("-j -s link show dev {dev}"));
        let links: serde_json::Value = serde_json::from_str(&json).unwrap();
        links[0]["stats64"]["rx"]["packets"]
            .as_u64()
            .unwrap_or_else(|| panic!("no rx counter for {dev} in {json}"))
    }

    /// Waits (a bounded number of looks) until `dev` in `ns` is operationally up: discovery
    /// rightly skips an adapter whose link is not up yet.
    async fn wait_until_up(ns: &str, dev: &str) {
        for _ in 0..100 {
            let json = ip_in(ns, &format!("-j link show dev {dev}"));
            let links: serde_json::Value = serde_json::from_str(&json).unwrap();
            if links[0]["operstate"] == "UP" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{dev} in {ns} never came up");
    }

    /// Why this machine cannot make network namespaces, if it cannot.
    fn unavailable() -> Option<String> {
        if let Err(err) = std::process::Command::new("ip").arg("-V").output() {
            return Some(format!(
                "iproute2's `ip` cannot be run ({err}): install it (apt-get install iproute2)"
            ));
        }
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let euid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1));
        if euid != Some("0") {
            return Some("making network namespaces needs root".to_string());
        }
        None
    }

    #[tokio::test]
    async fn a_device_behind_the_adapter_that_is_not_the_default_route_is_found_there() {
        if let Some(why) = unavailable() {
            let in_ci = std::env::var_os("CI").is_some();
            if !in_ci && std::env::var_os(SKIP).is_some() {
                // Straight to stderr: the test harness would swallow a println of a passing test.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED the network-namespace discovery test: {why} ({SKIP} is set)"
                );
                return;
            }
            panic!(
                "the network-namespace discovery test cannot run: {why}. Run it as root with \
                 iproute2, as CI does{}",
                if in_ci {
                    " (CI is set, so it is never skipped)".to_string()
                } else {
                    format!(", or set {SKIP}=1 to skip it on this machine")
                }
            );
        }

        let mut lab = Lab::new();
        for part in ["pc", "home", "cams", "net"] {
            lab.add(part);
        }
        let (pc, home, cams, net) = (lab.ns("pc"), lab.ns("home"), lab.ns("cams"), lab.ns("net"));
        // Each pair is made inside the lab: no name ever exists in this machine's namespace.
        ip_in(
            &pc,
            &format!("link add home0 type veth peer name lan netns {home}"),
        );
        ip_in(
            &pc,
            &format!("link add cams0 type veth peer name lan netns {cams}"),
        );
        ip_in(
            &home,
            &format!("link add wan type veth peer name wan netns {net}"),
        );
        for (ns, dev, cidr) in [
            (&pc, "home0", "10.231.1.20/24"),
            (&home, "lan", "10.231.1.1/24"),
            (&pc, "cams0", "10.231.2.20/24"),
            (&cams, "lan", "10.231.2.64/24"),
            (&home, "wan", "10.231.3.1/24"),
            (&net, "wan", "10.231.3.2/24"),
        ] {
            ip_in(ns, &format!("addr add {cidr} brd + dev {dev}"));
        }
        for (ns, devs) in [
            (&pc, "lo home0 cams0"),
            (&home, "lan wan"),
            (&cams, "lo lan"),
            (&net, "wan"),
        ] {
            for dev in devs.split(' ') {
                ip_in(ns, &format!("link set {dev} up"));
            }
        }
        ip_in(&pc, "route add default via 10.231.1.1 dev home0");
        // A camera has a gateway too; devsim joins the SADP group by that route.
        ip_in(&cams, "route add default dev lan");
        ip_in(&net, "route add 10.231.0.0/16 via 10.231.3.1");
        shell(&home, "echo 1 > /proc/sys/net/ipv4/ip_forward");
        for dev in ["home0", "cams0"] {
            wait_until_up(&pc, dev).await;
        }

        // The device, answering probes on 0.0.0.0:37020 in its LAN.
        let mut device = lab.run_role("cams", "device").spawn().unwrap();
        let mut lines = BufReader::new(device.stdout.take().unwrap()).lines();
        lab.children.push(device);
        let serial = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                // The harness's "test discovery_adapters::netns::netns_role ... " may precede it on the line.
                if let Some((_, serial)) = line.split_once(READY) {
                    return serial.trim().to_string();
                }
            }
            panic!("the device in the namespace stopped before it was ready");
        })
        .await
        .expect("the device in the namespace got ready");

        let home_before = rx_packets(&home, "lan");
        let world_before = rx_packets(&net, "wan");

        // The proxy with the production default: the SADP multicast group.
        let proxy = lab.run_role("pc", "proxy").output().await.unwrap();
        let stdout = String::from_utf8_lossy(&proxy.stdout);
        assert!(proxy.status.success(), "the proxy role failed: {stdout}");
        let json = stdout
            .lines()
            .find_map(|l| l.split_once(LISTED).map(|(_, json)| json))
            .unwrap_or_else(|| panic!("no device list in {stdout}"));
        let found: Discovery = serde_json::from_str(json.trim()).unwrap();

        assert!(!found.scanning, "the scan was over");
        assert_eq!(found.devices.len(), 1, "{:?}", found.devices);
        let listed = &found.devices[0];
        assert_eq!(listed.serial.as_deref(), Some(serial.as_str()));
        assert_eq!(listed.ipv4, Some(DEVICE_IP.parse().unwrap()));
        assert_eq!(
            listed.found_on,
            Some(Adapter {
                name: Some("cams0".into()),
                address: CAMS_ADAPTER_IP.parse().unwrap(),
            }),
            "found behind cams0, not the default route's home0"
        );

        // The default route's LAN got its probes too: every round, both kinds, to the group and
        // to the subnet broadcast; nothing else.
        let expected = u64::from(PROBES_PER_SCAN) * DISCOVERY_PROBE_TYPES.len() as u64 * 2;
        assert_eq!(rx_packets(&home, "lan") - home_before, expected);
        // And nothing went past that LAN's router.
        assert_eq!(
            rx_packets(&net, "wan") - world_before,
            0,
            "a probe left the LAN"
        );
    }

    /// Not a test of its own: the device or the proxy of the namespace test, run inside a
    /// namespace by it (ignored otherwise, and does nothing without its role).
    #[tokio::test]
    #[ignore = "run by the namespace test inside a network namespace"]
    async fn netns_role() {
        match std::env::var(ROLE).as_deref() {
            Ok("device") => {
                let identity = devsim::DeviceIdentity::random(devsim::Profile::Camera);
                let serial = identity.serial.clone();
                let http: SocketAddr = format!("{DEVICE_IP}:0").parse().unwrap();
                let sadp: SocketAddr = format!("0.0.0.0:{SADP_PORT}").parse().unwrap();
                let _device = devsim::start(
                    devsim::Config::loopback(identity)
                        .with_http(http)
                        .with_sadp(sadp),
                )
                .await
                .unwrap();
                println!("{READY} {serial}");
                std::io::stdout().flush().unwrap();
                // Answers until the test kills it.
                std::future::pending::<()>().await;
            }
            Ok("proxy") => {
                let group = SocketAddr::from((SADP_MULTICAST_V4, SADP_PORT));
                let mut config = reset_proxy::Config::new("127.0.0.1:0".parse().unwrap(), group);
                config.discovery_duration = Duration::from_secs(1);
                // Long enough that the one request answers after the scan is over.
                config.discovery_window = Duration::from_secs(30);
                let proxy = start(config).await;
                let answer = get(proxy, "devices").await;
                assert_eq!(answer.status, 200, "{}", answer.body);
                println!("{LISTED} {}", answer.body);
            }
            _ => eprintln!("netns_role only runs inside the namespace test"),
        }
    }
}

package netlab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/testenv"
)

// Addresses of the lab.
const (
	ClientIP = "198.18.1.2"
	ServerIP = "198.18.2.2"
	SSHPort  = 2222
)

// envLab carries the lab description to the re-executed test.
const envLab = "SSHDASH_NETLAB"

// Options configure a lab.
type Options struct {
	// NATTimeout is how long the router remembers an idle TCP flow.
	NATTimeout time.Duration
}

// Lab is a running lab, as seen from inside the client namespace.
type Lab struct {
	Client, Router, Server string // namespace names
	Dir                    string // keys, sshd config and logs
	Key                    string // client private key (root login)
	KnownHosts             string // known_hosts with the lab's host key
	SSHConfig              string // ssh_config with Host "lab" → the server
	NATTimeout             time.Duration
}

// Enter builds the lab and re-runs the calling test inside the client
// namespace, returning nil to the outer test once the inner one has
// finished (its result becomes the outer test's). Inside the client
// namespace it returns the Lab.
func Enter(t testing.TB, o Options) *Lab {
	t.Helper()
	if raw := os.Getenv(envLab); raw != "" {
		var l Lab
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("netlab: bad %s: %v", envLab, err)
		}
		return &l
	}
	testenv.NeedRoot(t)
	testenv.Need(t, "ip", "iptables", "/usr/sbin/sshd", "ssh", "ssh-keygen")
	if o.NATTimeout == 0 {
		o.NATTimeout = 15 * time.Second
	}
	l := build(t, o)
	raw, _ := json.Marshal(l)
	args := []string{"netns", "exec", l.Client, os.Args[0], "-test.run", "^" + t.Name() + "$", "-test.v", "-test.count=1", "-test.timeout=20m"}
	pass := "--- PASS: " + t.Name()
	if _, ok := t.(*testing.B); ok {
		// A benchmark runs once inside; its figures come back in the log.
		args = []string{"netns", "exec", l.Client, os.Args[0], "-test.run", "^$", "-test.bench", "^" + t.Name() + "$", "-test.benchtime=1x", "-test.v", "-test.timeout=20m"}
		pass = "PASS"
	}
	cmd := exec.Command("ip", args...)
	cmd.Env = append(os.Environ(), envLab+"="+string(raw))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		t.Log(line)
	}
	if err != nil {
		t.Errorf("lab test failed inside the client namespace: %v\nsshd log:\n%s", err, l.SSHDLog())
	} else if !strings.Contains(out.String(), pass) {
		t.Errorf("lab test did not pass inside the client namespace")
	}
	return nil
}

// build creates the namespaces, the NAT and sshd; cleanup removes them.
func build(t testing.TB, o Options) *Lab {
	t.Helper()
	suffix := strconv.Itoa(os.Getpid() % 100000)
	l := &Lab{
		Client: "sdc" + suffix, Router: "sdr" + suffix, Server: "sds" + suffix,
		Dir: t.TempDir(), NATTimeout: o.NATTimeout,
	}
	t.Cleanup(func() { l.down() })
	c0, r0, s0, r1 := "c0"+suffix, "r0"+suffix, "s0"+suffix, "r1"+suffix
	steps := [][]string{}
	for _, n := range []string{l.Client, l.Router, l.Server} {
		steps = append(steps, []string{"ip", "netns", "add", n}, []string{"ip", "-n", n, "link", "set", "lo", "up"})
	}
	steps = append(steps,
		[]string{"ip", "link", "add", c0, "netns", l.Client, "type", "veth", "peer", "name", r0, "netns", l.Router},
		[]string{"ip", "link", "add", s0, "netns", l.Server, "type", "veth", "peer", "name", r1, "netns", l.Router},
		[]string{"ip", "-n", l.Client, "addr", "add", ClientIP + "/24", "dev", c0},
		[]string{"ip", "-n", l.Client, "link", "set", c0, "up"},
		[]string{"ip", "-n", l.Client, "route", "add", "default", "via", "198.18.1.1"},
		[]string{"ip", "-n", l.Router, "addr", "add", "198.18.1.1/24", "dev", r0},
		[]string{"ip", "-n", l.Router, "link", "set", r0, "up"},
		[]string{"ip", "-n", l.Router, "addr", "add", "198.18.2.1/24", "dev", r1},
		[]string{"ip", "-n", l.Router, "link", "set", r1, "up"},
		[]string{"ip", "-n", l.Server, "addr", "add", ServerIP + "/24", "dev", s0},
		[]string{"ip", "-n", l.Server, "link", "set", s0, "up"},
		[]string{"ip", "-n", l.Server, "route", "add", "default", "via", "198.18.2.1"},
		[]string{"ip", "netns", "exec", l.Router, "sysctl", "-qw", "net.ipv4.ip_forward=1"},
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", r1, "-j", "MASQUERADE"},
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-P", "FORWARD", "DROP"},
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"},
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-A", "FORWARD", "-i", r0, "-p", "tcp", "--syn", "-m", "conntrack", "--ctstate", "NEW", "-j", "ACCEPT"},
		// Accounting rules (no verdict): what crosses the router to and
		// from sshd, for measuring bytes on the wire (see Counters).
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-I", "FORWARD", "1", "-p", "tcp", "--dport", strconv.Itoa(SSHPort)},
		[]string{"ip", "netns", "exec", l.Router, "iptables", "-I", "FORWARD", "1", "-p", "tcp", "--sport", strconv.Itoa(SSHPort)},
		// Conntrack's sysctls exist once the NAT table has loaded it.
		[]string{"ip", "netns", "exec", l.Router, "sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=0"},
		[]string{"ip", "netns", "exec", l.Router, "sysctl", "-qw", fmt.Sprintf("net.netfilter.nf_conntrack_tcp_timeout_established=%d", int(o.NATTimeout/time.Second))},
	)
	for _, s := range steps {
		run(t, s...)
	}
	l.startSSHD(t)
	return l
}

func run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("netlab: %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (l *Lab) startSSHD(t testing.TB) {
	t.Helper()
	hostKey, key := filepath.Join(l.Dir, "host_key"), filepath.Join(l.Dir, "client_key")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey)
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
	pub, _ := os.ReadFile(key + ".pub")
	if err := os.WriteFile(filepath.Join(l.Dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	hostPub, _ := os.ReadFile(hostKey + ".pub")
	f := strings.Fields(string(hostPub))
	l.Key, l.KnownHosts, l.SSHConfig = key, filepath.Join(l.Dir, "known_hosts"), filepath.Join(l.Dir, "ssh_config")
	kh := fmt.Sprintf("[%s]:%d %s %s\n", ServerIP, SSHPort, f[0], f[1])
	if err := os.WriteFile(l.KnownHosts, []byte(kh), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`Port %d
ListenAddress %s
HostKey %s
PidFile %s
AuthorizedKeysFile %s
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
ClientAliveInterval 0
TCPKeepAlive no
MaxStartups 100
LogLevel VERBOSE
`, SSHPort, ServerIP, hostKey, filepath.Join(l.Dir, "sshd.pid"), filepath.Join(l.Dir, "authorized_keys"))
	if err := os.WriteFile(filepath.Join(l.Dir, "sshd_config"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	sshConf := fmt.Sprintf(`Host lab
  HostName %s
  Port %d
  User root
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
`, ServerIP, SSHPort, key, l.KnownHosts)
	if err := os.WriteFile(l.SSHConfig, []byte(sshConf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	l.sshd(t)
}

// sshd starts the lab's sshd in the server namespace and waits until it
// accepts connections.
func (l *Lab) sshd(t testing.TB) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", l.Server, "/usr/sbin/sshd", "-f", filepath.Join(l.Dir, "sshd_config"), "-E", filepath.Join(l.Dir, "sshd.log")).CombinedOutput()
	if err != nil {
		t.Fatalf("netlab: start sshd: %v\n%s", err, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if exec.Command("ip", "netns", "exec", l.Server, "sh", "-c", fmt.Sprintf("ss -ltn | grep -q %s:%d", ServerIP, SSHPort)).Run() == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("netlab: sshd did not start listening:\n%s", l.SSHDLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// down removes the lab: sshd (every process of the server namespace) and
// the namespaces.
func (l *Lab) down() {
	for _, n := range []string{l.Server, l.Router, l.Client} {
		if out, err := exec.Command("ip", "netns", "pids", n).Output(); err == nil {
			for _, pid := range strings.Fields(string(out)) {
				if p, err := strconv.Atoi(pid); err == nil {
					if proc, err := os.FindProcess(p); err == nil {
						_ = proc.Kill()
					}
				}
			}
		}
		_ = exec.Command("ip", "netns", "del", n).Run()
	}
}

// SSHDLog returns sshd's log so far.
func (l *Lab) SSHDLog() string {
	b, _ := os.ReadFile(filepath.Join(l.Dir, "sshd.log"))
	return string(b)
}

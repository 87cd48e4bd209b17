package netlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func (l *Lab) router(t testing.TB, args ...string) {
	t.Helper()
	full := append([]string{"netns", "exec", l.Router}, args...)
	if out, err := exec.Command("ip", full...).CombinedOutput(); err != nil {
		t.Fatalf("netlab: router %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// routerIface is the router's server-side interface.
func (l *Lab) routerIface() string { return "r1" + strings.TrimPrefix(l.Router, "sdr") }

// Blackhole silently drops every packet the router would forward: what a
// dead uplink looks like from both ends.
func (l *Lab) Blackhole(t testing.TB) { l.router(t, "iptables", "-I", "FORWARD", "1", "-j", "DROP") }

// Unblackhole ends Blackhole.
func (l *Lab) Unblackhole(t testing.TB) { l.router(t, "iptables", "-D", "FORWARD", "-j", "DROP") }

// Cut takes the router's server-side link down: the router answers
// "network unreachable".
func (l *Lab) Cut(t testing.TB) { l.router(t, "ip", "link", "set", l.routerIface(), "down") }

// Restore brings the link back after Cut.
func (l *Lab) Restore(t testing.TB) { l.router(t, "ip", "link", "set", l.routerIface(), "up") }

// Forget flushes the router's NAT table, as a router reboot does: packets
// of existing flows are dropped from then on.
func (l *Lab) Forget(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("conntrack"); err == nil {
		l.router(t, "conntrack", "-F")
		return
	}
	t.Fatalf("netlab: conntrack is not installed (apt-get install conntrack)")
}

// ServerRun runs a command in the server namespace and returns its output.
func (l *Lab) ServerRun(t testing.TB, args ...string) string {
	t.Helper()
	full := append([]string{"netns", "exec", l.Server}, args...)
	out, err := exec.Command("ip", full...).CombinedOutput()
	if err != nil {
		t.Fatalf("netlab: server %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// StopSSHD kills sshd and every session process it started (as a server
// restart or crash does); processes that left the session, like a tmux
// server, keep running.
func (l *Lab) StopSSHD(t testing.TB) {
	t.Helper()
	// The listener and the per-connection sshd processes of the server
	// namespace ("sshd: root@pts/0"); nothing outside it.
	out, err := exec.Command("ip", "netns", "pids", l.Server).Output()
	if err != nil {
		t.Fatalf("netlab: list server processes: %v", err)
	}
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", f, "comm"))
		if strings.TrimSpace(string(comm)) == "sshd" {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
		}
	}
	time.Sleep(200 * time.Millisecond)
}

// StartSSHD starts sshd again after StopSSHD.
func (l *Lab) StartSSHD(t testing.TB) { l.sshd(t) }

// SetAuthorizedKeys replaces the server's authorized_keys (empty: nobody
// can log in).
func (l *Lab) SetAuthorizedKeys(t testing.TB, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(l.Dir, "authorized_keys"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ClientPublicKey returns the client key's authorized_keys line.
func (l *Lab) ClientPublicKey(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(l.Key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// SSHArgs are the ssh(1) options to reach the lab's server as root.
func (l *Lab) SSHArgs() []string {
	return []string{"-F", l.SSHConfig, "lab"}
}

// String describes the lab for logs.
func (l *Lab) String() string {
	return fmt.Sprintf("netlab %s→%s→%s (NAT forgets idle flows after %s)", l.Client, l.Router, l.Server, l.NATTimeout)
}

// ResetCounters zeroes the router's counters of SSH traffic.
func (l *Lab) ResetCounters(t testing.TB) { l.router(t, "iptables", "-Z", "FORWARD") }

// Counters returns the packets and bytes (IP packets, headers included) the
// router forwarded to and from sshd since the last ResetCounters.
func (l *Lab) Counters(t testing.TB) (packets, bytes uint64) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", l.Router, "iptables", "-nvx", "-L", "FORWARD").Output()
	if err != nil {
		t.Fatalf("netlab: read counters: %v", err)
	}
	port := strconv.Itoa(SSHPort)
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !(strings.HasSuffix(line, "dpt:"+port) || strings.HasSuffix(line, "spt:"+port)) {
			continue
		}
		p, _ := strconv.ParseUint(f[0], 10, 64)
		b, _ := strconv.ParseUint(f[1], 10, 64)
		packets += p
		bytes += b
	}
	return packets, bytes
}

// ForwardPort makes the server accept SSH on port too (redirected to
// SSHPort in the server namespace): another way to the same sshd whose
// packets BlackholePort can drop alone.
func (l *Lab) ForwardPort(t testing.TB, port int) {
	t.Helper()
	l.ServerRun(t, "iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", strconv.Itoa(port),
		"-j", "REDIRECT", "--to-ports", strconv.Itoa(SSHPort))
}

// BlackholePort silently drops, at the router, every packet to or from the
// server's port: a dead path for the connections made to that port only.
func (l *Lab) BlackholePort(t testing.TB, port int) {
	p := strconv.Itoa(port)
	l.router(t, "iptables", "-I", "FORWARD", "1", "-p", "tcp", "--dport", p, "-j", "DROP")
	l.router(t, "iptables", "-I", "FORWARD", "1", "-p", "tcp", "--sport", p, "-j", "DROP")
}

// UnblackholePort ends BlackholePort.
func (l *Lab) UnblackholePort(t testing.TB, port int) {
	p := strconv.Itoa(port)
	l.router(t, "iptables", "-D", "FORWARD", "-p", "tcp", "--dport", p, "-j", "DROP")
	l.router(t, "iptables", "-D", "FORWARD", "-p", "tcp", "--sport", p, "-j", "DROP")
}

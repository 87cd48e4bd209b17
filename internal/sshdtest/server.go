package sshdtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// Addr returns 127.0.0.1:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Host returns "127.0.0.1".
func (s *Server) Host() string { return "127.0.0.1" }

// Port returns the port sshd listens on.
func (s *Server) Port() int { return s.port }

// Dir returns the server's temporary directory.
func (s *Server) Dir() string { return s.dir }

// HostKey returns the host's plain public key.
func (s *Server) HostKey() ssh.PublicKey { return s.hostKey }

// HostKeyFile returns the path of the host's private key.
func (s *Server) HostKeyFile() string { return s.keyFile }

// HostCA returns the CA that signed the host certificate, or nil.
func (s *Server) HostCA() ssh.PublicKey { return s.hostCA }

// Logs returns what sshd has logged so far.
func (s *Server) Logs() string {
	if s.logPath == "" {
		return ""
	}
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// Close stops sshd and the connection processes it forked (they call
// setsid, so they are found by parent pid), then waits for sshd. It is
// idempotent.
func (s *Server) Close() {
	if s.closed || s.exited == nil {
		return
	}
	s.closed = true
	pid := s.cmd.Process.Pid
	for _, child := range ChildPIDs(pid) {
		_ = syscall.Kill(child, syscall.SIGTERM)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// ChildPIDs lists the processes whose parent is pid (read from /proc):
// sshd's connection processes call setsid, so they are found by parent.
func ChildPIDs(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may contain spaces and parentheses.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, n)
		}
	}
	return out
}

// GenerateKey creates a key pair with ssh-keygen (type "ed25519", "ecdsa"
// or "rsa"; passphrase may be empty) at path and path.pub, and returns the
// public key.
func GenerateKey(path, typ, passphrase string) (ssh.PublicKey, error) {
	args := []string{"-q", "-t", typ, "-N", passphrase, "-C", "sshdtest", "-f", path}
	if out, err := exec.Command("ssh-keygen", args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ssh-keygen %s: %v: %s", typ, err, out)
	}
	return ReadPublicKey(path + ".pub")
}

// ReadPublicKey reads a public key (or certificate) file.
func ReadPublicKey(path string) (ssh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// EnsureUser makes sure a local user name exists with password, for
// password and keyboard-interactive tests (sshd checks passwords in
// /etc/shadow or through PAM, so root's unknown password cannot be used).
// It needs root and SSHDASH_INTEGRATION=1, and is idempotent.
func EnsureUser(t testing.TB, name, password string) {
	t.Helper()
	testenv.Need(t, "useradd", "chpasswd")
	if os.Geteuid() != 0 {
		t.Fatalf("%s=1 but creating test user %s needs root", testenv.Var, name)
	}
	if _, err := user.Lookup(name); err != nil {
		if out, err := exec.Command("useradd", "-m", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
			t.Fatalf("useradd %s: %v: %s", name, err, out)
		}
	}
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(name + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd for %s: %v: %s", name, err, out)
	}
}

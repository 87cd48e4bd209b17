// Package sshdtest runs a real OpenSSH sshd for integration tests:
// `/usr/sbin/sshd -D -e -f CONFIG` on 127.0.0.1 and a free port, as the
// current user (root in CI), with its own host key, authorized_keys and
// pid file in a temporary directory. Tests using it are gated by
// internal/testenv: skipped unless SSHDASH_INTEGRATION=1, and failing when
// it is set but OpenSSH is missing.
package sshdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// SSHD is the sshd binary the harness runs.
const SSHD = "/usr/sbin/sshd"

// Options configure a Server.
type Options struct {
	AuthorizedKeys               []ssh.PublicKey // keys allowed in (any user)
	TrustedUserCAKeys            []ssh.PublicKey // CAs whose user certificates are allowed in
	PasswordAuthentication       bool
	KbdInteractiveAuthentication bool
	UsePAM                       bool   // needed for keyboard-interactive passwords
	HostKeyType                  string // ssh-keygen -t: "ed25519" (default), "ecdsa", "rsa"
	// HostCertificate signs the host key with a fresh CA (see HostCA) for
	// HostCertPrincipals (default 127.0.0.1 and localhost) and configures
	// sshd to present the certificate.
	HostCertificate    bool
	HostCertPrincipals []string
	// HostKeyFile reuses an existing host private key (to run a second
	// sshd with the same identity, or a changed one) instead of generating.
	HostKeyFile string
	Extra       []string // further sshd_config lines
	// Wrap runs sshd under a command (its arguments, then sshd's follow),
	// e.g. unshare for a private mount namespace. The command must exec
	// sshd so that sshd keeps its process id.
	Wrap []string
}

// Server is a running sshd.
type Server struct {
	dir     string
	port    int
	cmd     *exec.Cmd
	logPath string
	hostKey ssh.PublicKey
	hostCA  ssh.PublicKey
	keyFile string
	exited  chan error // receives sshd's Wait result once it has exited
	closed  bool
}

// Start starts sshd for t and stops it when t ends. It skips or fails t as
// internal/testenv.Need decides, and fails t (with sshd's log) if sshd
// does not come up.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	testenv.Need(t, SSHD, "ssh-keygen")
	if os.Geteuid() == 0 {
		// sshd refuses to start without its privilege separation directory.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshdtest: %v", err)
		}
	}
	s := &Server{dir: t.TempDir()}
	if err := s.prepare(opts); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.start(opts); err == nil {
			t.Cleanup(s.Close)
			return s
		}
		if !strings.Contains(s.Logs(), "Address already in use") {
			break
		}
	}
	t.Fatalf("sshdtest: %v\nsshd log:\n%s", err, s.Logs())
	return nil
}

// prepare creates the host key (and certificate) and authorized keys.
func (s *Server) prepare(opts Options) error {
	s.keyFile = filepath.Join(s.dir, "ssh_host_key")
	if opts.HostKeyFile != "" {
		data, err := os.ReadFile(opts.HostKeyFile)
		if err != nil {
			return err
		}
		if err := os.WriteFile(s.keyFile, data, 0o600); err != nil {
			return err
		}
		pub, err := exec.Command("ssh-keygen", "-y", "-f", s.keyFile).Output()
		if err != nil {
			return fmt.Errorf("ssh-keygen -y: %w", err)
		}
		if err := os.WriteFile(s.keyFile+".pub", pub, 0o644); err != nil {
			return err
		}
	} else {
		typ := opts.HostKeyType
		if typ == "" {
			typ = "ed25519"
		}
		if _, err := GenerateKey(s.keyFile, typ, ""); err != nil {
			return err
		}
	}
	pub, err := ReadPublicKey(s.keyFile + ".pub")
	if err != nil {
		return err
	}
	s.hostKey = pub
	if opts.HostCertificate {
		caFile := filepath.Join(s.dir, "host_ca")
		if s.hostCA, err = GenerateKey(caFile, "ed25519", ""); err != nil {
			return err
		}
		principals := opts.HostCertPrincipals
		if len(principals) == 0 {
			principals = []string{"127.0.0.1", "localhost"}
		}
		out, err := exec.Command("ssh-keygen", "-q", "-s", caFile, "-I", "sshdtest-host", "-h",
			"-n", strings.Join(principals, ","), "-V", "-5m:+1h", s.keyFile+".pub").CombinedOutput()
		if err != nil {
			return fmt.Errorf("ssh-keygen -s: %v: %s", err, out)
		}
	}
	var ak bytes.Buffer
	for _, k := range opts.AuthorizedKeys {
		ak.Write(ssh.MarshalAuthorizedKey(k))
	}
	if err := os.WriteFile(filepath.Join(s.dir, "authorized_keys"), ak.Bytes(), 0o644); err != nil {
		return err
	}
	var ca bytes.Buffer
	for _, k := range opts.TrustedUserCAKeys {
		ca.Write(ssh.MarshalAuthorizedKey(k))
	}
	return os.WriteFile(filepath.Join(s.dir, "user_ca.pub"), ca.Bytes(), 0o644)
}

// config renders sshd_config.
func (s *Server) config(opts Options) string {
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	lines := []string{
		"Port " + strconv.Itoa(s.port),
		"ListenAddress 127.0.0.1",
		"HostKey " + s.keyFile,
		"PidFile " + filepath.Join(s.dir, "sshd.pid"),
		"AuthorizedKeysFile " + filepath.Join(s.dir, "authorized_keys"),
		"TrustedUserCAKeys " + filepath.Join(s.dir, "user_ca.pub"),
		"StrictModes no",
		"UsePAM " + yn(opts.UsePAM),
		"PubkeyAuthentication yes",
		"PasswordAuthentication " + yn(opts.PasswordAuthentication),
		"KbdInteractiveAuthentication " + yn(opts.KbdInteractiveAuthentication),
		"PermitRootLogin yes",
		"AllowTcpForwarding yes",
		"AllowAgentForwarding yes",
		"PermitTTY yes",
		"X11Forwarding no",
		"PrintMotd no",
		"PrintLastLog no",
		"AcceptEnv SSHDASH_*",
		"LogLevel VERBOSE",
		"LoginGraceTime 30",
		"MaxAuthTries 10",
		"MaxStartups 100",
	}
	if opts.HostCertificate {
		lines = append(lines, "HostCertificate "+s.keyFile+"-cert.pub")
	}
	lines = append(lines, opts.Extra...)
	return strings.Join(lines, "\n") + "\n"
}

// start picks a port, writes the config and starts sshd, waiting until it
// listens.
func (s *Server) start(opts Options) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg := filepath.Join(s.dir, "sshd_config")
	if err := os.WriteFile(cfg, []byte(s.config(opts)), 0o600); err != nil {
		return err
	}
	s.logPath = filepath.Join(s.dir, "sshd.log")
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	// A file, not a pipe, for stderr: sshd's children inherit it and may
	// outlive it, and Wait must not wait for them.
	args := append(append([]string{}, opts.Wrap...), SSHD, "-D", "-e", "-f", cfg)
	s.cmd = exec.Command(args[0], args[1:]...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("sshd exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if strings.Contains(s.Logs(), "Server listening on") {
			if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
				c.Close()
				s.exited = exited
				return nil
			}
		}
	}
	_ = s.cmd.Process.Kill()
	<-exited
	return fmt.Errorf("sshd did not start listening on %s", s.Addr())
}

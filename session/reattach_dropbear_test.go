package session

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
)

// dropbearBin is where Debian's dropbear-bin puts the server.
const dropbearBin = "/usr/sbin/dropbear"

// lockedBuffer is a bytes.Buffer safe for a process's stderr and a test.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDropbear runs Dropbear on loopback as root (`dropbear -F -E -p
// 127.0.0.1:PORT -r hostkey`) and lets name in with a fresh key from its
// ~/.ssh/authorized_keys. It returns the target and the server's log; the
// server and its connection processes are killed at cleanup.
func startDropbear(t *testing.T, name string) (Target, func() string) {
	t.Helper()
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "hostkey")
	if out, err := exec.Command("dropbearkey", "-t", "ed25519", "-f", hostKey).CombinedOutput(); err != nil {
		t.Fatalf("dropbearkey: %v: %s", err, out)
	}
	key := filepath.Join(dir, "id_ed25519")
	pub, err := sshdtest.GenerateKey(key, "ed25519", "")
	if err != nil {
		t.Fatal(err)
	}
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	sshDir := filepath.Join(u.HomeDir, ".ssh")
	if err := os.MkdirAll(sshDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ak := filepath.Join(sshDir, "authorized_keys")
	if err := os.WriteFile(ak, ssh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{sshDir, ak} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	// A free loopback port (another process may take it before dropbear
	// binds; then dropbear exits and the test says so).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	logs := &lockedBuffer{}
	cmd := exec.Command(dropbearBin, "-F", "-E", "-p", fmt.Sprintf("127.0.0.1:%d", port), "-r", hostKey)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dropbear: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("dropbear exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dropbear does not listen on %d: %s", port, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	tg := testTarget(dir, port)
	tg.User = name
	tg.IdentityFiles = []string{key}
	return tg, logs.String
}

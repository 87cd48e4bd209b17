package demo

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/session"
)

func TestDemoHostsConnectAndCloseCleanly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{File: d.ConfigPath})
	if err != nil || len(cfg.Errors()) > 0 {
		t.Fatalf("demo ssh_config: %v %v", err, cfg.Errors())
	}
	var aliases []string
	for _, h := range cfg.Hosts() {
		aliases = append(aliases, h.Alias)
	}
	if strings.Join(aliases, ",") != "demo-healthy,demo-slow,demo-flaky" {
		t.Fatalf("hosts %v", aliases)
	}
	if fi, err := os.Stat(filepath.Join(d.Dir, "id_ed25519")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("client key: %v %v", fi, err)
	}

	// A session through the demo's own config (strict host key checking,
	// only the generated key) comes up, and its shell says it is local.
	op := &session.Opener{Config: cfg}
	plan, err := op.Plan("demo-healthy")
	if err != nil {
		t.Fatal(err)
	}
	opts := op.Options(plan, false, 100, 30)
	opts.Reattach = session.ReattachNone
	m := session.NewManager(nil, nil)
	s := m.Open(opts)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(strings.Join(s.ScreenText(), "\n"), "sshdash demo — demo-healthy") {
		if time.Now().After(deadline) {
			t.Fatalf("demo shell banner not shown; state %s %v; screen:\n%s", s.Status().State, s.Status().Cause, strings.Join(s.ScreenText(), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	m.CloseAll(context.Background())

	dir := d.Dir
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("demo directory left behind: %v", err)
	}
	for _, h := range d.servers {
		if c, err := net.DialTimeout("tcp", h.Addr(), time.Second); err == nil {
			c.Close()
			t.Fatalf("demo server %s still listening after Close", h.Addr())
		}
	}
}

// The flaky link freezes traffic during a silence, kills connections that
// lived through one, and lets new connections through afterwards.
func TestFlakyLink(t *testing.T) {
	l := newFlakyLink(time.Hour, time.Hour)
	a, b := net.Pipe()
	defer b.Close()
	c := l.wrap(a)
	go func() { b.Write([]byte("x")) }()
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != nil {
		t.Fatalf("read while up: %v", err)
	}
	l.setSilent(true)
	done := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("y"))
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("write went through during a silence: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	l.setSilent(false)
	if err := <-done; err == nil {
		t.Fatal("a connection that lived through a silence still works")
	}
	// A new connection after the silence works.
	a2, b2 := net.Pipe()
	defer b2.Close()
	c2 := l.wrap(a2)
	go io.Copy(io.Discard, b2)
	if _, err := c2.Write([]byte("z")); err != nil {
		t.Fatalf("new connection after the silence: %v", err)
	}
}

package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/watch"
)

// connect --watch with a bad item says which and why, exit 2, before
// connecting.
func TestConnectWatchInvalid(t *testing.T) {
	cfg := writeCfg(t, "Host h\n  HostName 127.0.0.1\n  Port 1\n")
	e, _, errb := cfgTestEnv(nil)
	if code := runConnect([]string{"-F", cfg, "--watch", "drop", "--watch", "match=ERROR(", "h"}, e); code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, errb)
	}
	if got := errb.String(); !strings.Contains(got, `--watch: watcher "match=ERROR(": invalid regular expression`) {
		t.Fatalf("stderr:\n%s", got)
	}
}

// The adapter turns a session's transitions into the watcher's drop, back,
// fail and exit, and its alerts reach the center.
func TestSessionWatchAdapter(t *testing.T) {
	c := watch.NewCenter()
	o := &sessionWatch{center: c}
	spec, _ := watch.Parse([]string{"drop", "back", "fail", "exit"})
	o.w = watch.New(watch.Config{Alias: "h", Post: o.post}, spec)
	defer o.w.Close()
	o.State(session.StateChanged{To: session.Connecting})
	o.State(session.StateChanged{To: session.Up})
	o.State(session.StateChanged{To: session.Stale})
	o.State(session.StateChanged{To: session.Dropped, Cause: errors.New("connection reset")})
	o.State(session.StateChanged{To: session.Reconnecting})
	o.State(session.StateChanged{To: session.Up})
	o.State(session.StateChanged{To: session.Failed, Cause: errors.New("host key changed")})
	o.Exited(4)
	var got []string
	for range 4 {
		select {
		case a := <-c.Alerts():
			got = append(got, a.Kind.String()+": "+a.Text)
		case <-time.After(5 * time.Second):
			t.Fatalf("alerts so far: %q", got)
		}
	}
	want := "drop: dropped: connection reset|back|fail: failed: host key changed|exit: the remote command exited with status 4"
	if g := strings.Join(got, "|"); !strings.HasPrefix(g, "drop: dropped: connection reset|back: back up after") ||
		!strings.HasSuffix(g, "|fail: failed: host key changed|exit: the remote command exited with status 4") {
		t.Fatalf("alerts %q, want like %q", got, want)
	}
}

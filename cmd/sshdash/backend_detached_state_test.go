package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/session/leftover"
)

func newTestLeftovers(t *testing.T) (*leftovers, *leftover.Store) {
	t.Helper()
	st := leftover.New(filepath.Join(t.TempDir(), leftover.FileName), 0, nil, nil)
	return newLeftovers(st, slog.New(slog.DiscardHandler), func() []string { return nil }), st
}

// The hook records the host once the session is up under tmux or screen
// and still hands the list to the caller's hook; tunnels and
// reattach = "none" are not followed.
func TestLeftoversTrack(t *testing.T) {
	l, st := newTestLeftovers(t)
	var got []session.RemoteSession
	opts := session.Options{OnRemoteSessions: func(r []session.RemoteSession) { got = r }}
	bind := l.track(&opts, "web")
	if len(st.Hosts()) != 0 {
		t.Fatal("recorded before the session came up")
	}
	opts.OnRemoteSessions([]session.RemoteSession{{Name: "sd-aaaaaaaaaaaa"}})
	if len(got) != 1 {
		t.Fatal("the caller's hook was not called")
	}
	if h := st.Hosts(); fmt.Sprint(h) != "[web]" {
		t.Fatalf("recorded %v", h)
	}
	bind(nil) // a session that never bound stays "may be left"
	l.settle()
	if h := st.Hosts(); fmt.Sprint(h) != "[web]" {
		t.Fatalf("after settle: %v", h)
	}

	for _, o := range []session.Options{{TunnelOnly: true}, {Reattach: session.ReattachNone}} {
		o := o
		l.track(&o, "db")(nil)
		if o.OnRemoteSessions != nil {
			t.Fatalf("%+v: hooked", o)
		}
	}
	var nilL *leftovers // tests build apps without one
	o := session.Options{}
	nilL.track(&o, "x")(nil)
	nilL.settle()
	nilL.listed("x", nil)
	nilL.closed("x", "y")
	if nilL.hosts() != nil || o.OnRemoteSessions != nil {
		t.Fatal("a nil tracker did something")
	}
}

// A listing that finds nothing of sshdash's removes the host; one that
// finds another's session keeps it until that one is closed from here.
func TestLeftoversListed(t *testing.T) {
	l, st := newTestLeftovers(t)
	for _, a := range []string{"empty", "busy"} {
		if err := st.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	l.listed("empty", nil)
	l.listed("busy", []session.RemoteSession{{Name: "sd-bbbbbbbbbbbb"}})
	if h := st.Hosts(); fmt.Sprint(h) != "[busy]" {
		t.Fatalf("recorded %v, want [busy]", h)
	}
	l.closed("busy", "sd-bbbbbbbbbbbb")
	l.listed("busy", []session.RemoteSession{})
	if h := st.Hosts(); len(h) != 0 {
		t.Fatalf("recorded %v, want none", h)
	}
}

func TestLeftFor(t *testing.T) {
	pending := []string{"web: sd-1, sd-2", "db: sd-3"}
	for _, c := range []struct {
		alias, name string
		want        bool
	}{{"web", "sd-2", true}, {"db", "sd-3", true}, {"db", "sd-1", false}, {"we", "sd-1", false}} {
		if got := leftFor(pending, c.alias, c.name); got != c.want {
			t.Errorf("leftFor(%s, %s) = %v", c.alias, c.name, got)
		}
	}
}

package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// silentHost is an open session to target that went stale at onset,
// having last heard from its server at last.
func silentHost(target string, onset, last time.Time) session.Status {
	return session.Status{Alias: target, Target: target, State: session.Stale, Since: onset,
		Heartbeat: keepalive.Stats{LastContact: last}}
}

func upHost(target string) session.Status {
	return session.Status{Alias: target, Target: target, State: session.Up, Since: testT0.Add(-time.Hour),
		Heartbeat: keepalive.Stats{LastContact: testT0}}
}

func droppedHost(target string, down, last time.Time, cause session.DropCause) session.Status {
	return session.Status{Alias: target, Target: target, State: session.Dropped, DownSince: down, DropCause: cause,
		Cause: errors.New("heartbeat: no reply"), Heartbeat: keepalive.Stats{LastContact: last}}
}

func TestNetSilence(t *testing.T) {
	at := func(sec int) time.Time { return testT0.Add(time.Duration(sec) * time.Second) }
	for _, tc := range []struct {
		name string
		ss   []session.Status
		want string // "" for no verdict
	}{
		{"all three hosts silent together", []session.Status{
			silentHost("a", at(10), at(2)),
			droppedHost("b", at(11), at(9), session.CauseNetworkChanged),
			{Alias: "c", Target: "c", State: session.Reconnecting, DownSince: at(12), Heartbeat: keepalive.Stats{LastContact: at(5)}},
		}, "3 of 3 hosts silent since " + at(9).Format("15:04:05")},
		{"two of three", []session.Status{silentHost("a", at(10), at(1)), silentHost("b", at(12), at(3)), upHost("c")},
			"2 of 3 hosts silent since " + at(3).Format("15:04:05")},
		{"one of three: that server", []session.Status{silentHost("a", at(10), at(1)), upHost("b"), upHost("c")}, ""},
		{"two of four is not most", []session.Status{silentHost("a", at(10), at(1)), silentHost("b", at(10), at(1)), upHost("c"), upHost("d")}, ""},
		{"one host, several sessions", []session.Status{silentHost("a", at(10), at(1)), silentHost("a", at(10), at(1))}, ""},
		{"a host with a live session is not silent", []session.Status{
			silentHost("a", at(10), at(1)), upHost("a"), silentHost("b", at(10), at(1)), upHost("c")}, ""},
		{"far apart: separate failures", []session.Status{silentHost("a", at(10), at(1)), silentHost("b", at(600), at(590))}, ""},
		{"never up, failed and closed left out", []session.Status{
			silentHost("a", at(10), at(1)), silentHost("b", at(11), at(1)),
			{Alias: "c", Target: "c", State: session.Connecting},
			{Alias: "d", Target: "d", State: session.Failed},
			{Alias: "e", Target: "e", State: session.Closed},
			{Alias: "f", Target: "f", State: session.Reconnecting}, // never up: no DownSince
		}, "2 of 2 hosts silent since " + at(1).Format("15:04:05")},
		{"recovered", []session.Status{upHost("a"), upHost("b"), upHost("c")}, ""},
		{"nothing open", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := netSilence(tc.ss)
			if ok != (tc.want != "") || got != tc.want {
				t.Fatalf("netSilence = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

// TestHeaderSaysNetworkAndCause: the dashboard's header names the likely
// local network when the hosts fall silent together, the table and the
// preview say why a session dropped, and the header clears on recovery.
func TestHeaderSaysNetworkAndCause(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.sessions = []session.Status{
		droppedHost("web1", testT0.Add(-2*time.Second), testT0.Add(-3*time.Second), session.CauseNetworkChanged),
		droppedHost("web2", testT0.Add(-2*time.Second), testT0.Add(-4*time.Second), session.CauseNetworkChanged),
		droppedHost("web3", testT0.Add(-1*time.Second), testT0.Add(-5*time.Second), session.CauseNetworkChanged),
	}
	for i := range f.sessions {
		f.sessions[i].ID = i + 1
	}
	f.nextID = 4
	d := newDriver(t, f, 160, 30)
	d.send(session.StateChanged{ID: 1, To: session.Dropped})
	screen := ansi.Strip(d.m.render())
	header := strings.SplitN(screen, "\n", 2)[0]
	if !strings.Contains(header, "3 of 3 hosts silent since "+testT0.Add(-3*time.Second).Format("15:04:05")) {
		t.Fatalf("header %q lacks the network verdict", header)
	}
	if !strings.Contains(screen, "dropped: network changed") {
		t.Errorf("the table does not say why the sessions dropped:\n%s", screen)
	}
	if !strings.Contains(screen, "dropped (network changed): heartbeat: no reply") {
		t.Errorf("the preview does not give the cause with the error:\n%s", screen)
	}
	// Reconnecting, the preview still says what it dropped from.
	d.send(f.setState(1, session.Reconnecting, errors.New("dial tcp: i/o timeout")))
	if screen := ansi.Strip(d.m.render()); !strings.Contains(screen, "· dropped: network changed") {
		t.Errorf("the preview of a reconnecting session does not say why it dropped:\n%s", screen)
	}
	for i := 1; i <= 3; i++ {
		ev := f.setState(i, session.Up, nil)
		d.send(ev)
	}
	header = strings.SplitN(ansi.Strip(d.m.render()), "\n", 2)[0]
	if strings.Contains(header, "silent") {
		t.Fatalf("header %q still says the hosts are silent after they recovered", header)
	}
}

package ui

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// screenProbe wraps the root model so the test can read what the program
// last rendered: the program's output is a stream of screen diffs, not
// whole lines.
type screenProbe struct {
	Model
	last *atomic.Value
}

func (p screenProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p screenProbe) View() tea.View {
	v := p.Model.View()
	p.last.Store(ansi.Strip(v.Content))
	return v
}

// waitText waits until the rendered screen shows every one of parts.
func waitText(t *testing.T, tm *teatest.TestModel, last *atomic.Value, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, _ := last.Load().(string)
		ok := true
		for _, p := range parts {
			if !strings.Contains(s, p) {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q; last screen:\n%s", parts, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProgramFlow drives the root model in a real tea.Program: filter,
// connect to a host through the fake backend, a session event updates the
// row, heartbeats update the RTT, help, and quitting with confirmation.
func TestProgramFlow(t *testing.T) {
	f := newFakeBackend(time.Now)
	f.hosts = demoHosts()
	m := New(Options{Backend: f, Theme: themes.MustNew("dark", true, false), Looked: []string{"~/.ssh/config"}})
	last := &atomic.Value{}
	tm := teatest.NewTestModel(t, screenProbe{m, last}, teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() { _ = tm.Quit() })

	waitText(t, tm, last, "Hosts 6", "db-primary")

	tm.Type("/dbpr")
	waitText(t, tm, last, "Hosts 1/6")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) // apply the filter
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) // connect
	waitText(t, tm, last, "connecting")
	// The screen may say so before the backend's Open command has run.
	f.waitSession(t, 1)

	// The session comes up: the row changes and the dashboard attaches.
	f.emit(f.setState(1, session.Up, nil))
	waitText(t, tm, last, "● up", "detached from db-primary")

	// A heartbeat: the RTT shows after the coalescing flush.
	f.update(1, func(s *session.Status) {
		s.Heartbeat.LastRTT = 42 * time.Millisecond
		s.RTTHistory = []time.Duration{40 * time.Millisecond, 42 * time.Millisecond}
	})
	f.emit(session.HeartbeatUpdate{ID: 1})
	waitText(t, tm, last, "42ms")

	tm.Type("?")
	waitText(t, tm, last, "Keys", "ctrl+^")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})

	tm.Type("q")
	waitText(t, tm, last, "Close 1 open session and quit?")
	tm.Type("y")

	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(screenProbe).Model
	_, closed, _, attached, _ := f.calls()
	n, closedAll, _ := f.quitCalls()
	if len(closed) != 0 || n != 1 || !slices.Equal(closedAll, []int{1}) || !slices.Equal(attached, []int{1}) {
		t.Fatalf("closed one by one %v, CloseAll %d× closing %v, attached %v; want [], 1× [1], [1]", closed, n, closedAll, attached)
	}
	if !final.quitting {
		t.Fatal("final model is not quitting")
	}
	out := ansi.Strip(final.render())
	if !strings.Contains(out, "closing 1 session(s)") {
		t.Fatalf("final screen:\n%s", out)
	}
	raw, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?1002h"} { // alt screen, cell-motion mouse
		if !bytes.Contains(raw, []byte(seq)) {
			t.Errorf("program output lacks %q", seq)
		}
	}
}

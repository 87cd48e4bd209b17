package ui

import (
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
	"github.com/sshdash/sshdash/watch"
)

// watchFake is a fakeBackend with watchers.
type watchFake struct {
	*fakeBackend
	wmu   sync.Mutex // guards specs
	specs map[int]watch.Spec
}

func (w *watchFake) Watches(id int) watch.Spec {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	return w.specs[id]
}

func (w *watchFake) SetWatches(id int, s watch.Spec) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.specs[id] = s
	return nil
}

func (w *watchFake) Alerts() <-chan watch.Alert { return nil } // the test sends alertMsg

func (w *watchFake) AlertSequence(a watch.Alert) []byte { return watch.Sequence(watch.ModeOSC9, a) }

func newWatchDriver(t *testing.T) (*driver, *watchFake) {
	t.Helper()
	f := &watchFake{fakeBackend: newDemoBackend(), specs: map[int]watch.Spec{}}
	f.events = nil
	m := New(Options{Backend: f, Theme: themes.MustNew("dark", true, false), Now: fixedClock()})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	return d, f
}

// raws are the raw terminal writes the model asked for.
func raws(d *driver) []string {
	var out []string
	for _, m := range d.seen {
		if r, ok := m.(tea.RawMsg); ok {
			out = append(out, r.Msg.(string))
		}
	}
	return out
}

// An alert marks the session's row, is said on the status line, rings the
// terminal once (bell and OSC 9 between frames, through tea.Raw), and
// its log entry shows in the session's log; attaching clears the mark.
// An alert an attach already put on the terminal is not rung again.
func TestWatchAlertMarksRowRingsOnceAndLogs(t *testing.T) {
	d, f := newWatchDriver(t)
	d.keys("tab")
	a := watch.Alert{ID: 2, Alias: "db-primary", Kind: watch.KindMatch, Text: "output matched: DEPLOY-42", At: testT0}
	d.send(alertMsg{a})
	if got := raws(d); len(got) != 1 || got[0] != "\a\x1b]9;sshdash: db-primary: output matched: DEPLOY-42\a" {
		t.Fatalf("raw writes %q, want one bell and OSC 9", got)
	}
	if l := lineWith(d.screen(), "db-primary"); !strings.Contains(l, "⚑ db-primary") {
		t.Fatalf("row has no mark: %q", l)
	}
	d.mustSee("⚑ db-primary: output matched: DEPLOY-42")
	if l := lineWith(d.screen(), "web1"); strings.Contains(l, "⚑") {
		t.Fatalf("another row is marked: %q", l)
	}

	// The backend wrote the alert into the session's log, which publishes it.
	e := session.LogEntry{At: testT0, Text: "watch: output matched: DEPLOY-42"}
	f.mu.Lock()
	f.logs[2] = append(f.logs[2], e)
	f.mu.Unlock()
	d.send(session.Logged{ID: 2, Entry: e})
	d.keys("down", "l")
	d.mustSee("Event log · db-primary", "watch: output matched: DEPLOY-42")
	d.keys("esc")
	if l := lineWith(d.screen(), "db-primary"); strings.Contains(l, "⚑") {
		t.Fatalf("mark kept after the log was read: %q", l)
	}

	// Two more, one already rung by an attach: one more raw write, "⚑2".
	d.send(alertMsg{watch.Alert{ID: 1, Alias: "web1", Kind: watch.KindDrop, Text: "dropped"}})
	d.send(alertMsg{watch.Alert{ID: 1, Alias: "web1", Kind: watch.KindBack, Text: "back up after 3s down", Delivered: true}})
	if got := raws(d); len(got) != 2 {
		t.Fatalf("raw writes %q, want 2 in all", got)
	}
	if l := lineWith(d.screen(), "web1"); !strings.Contains(l, "⚑2 web1") {
		t.Fatalf("row mark: %q", l)
	}
	d.keys("up", "enter")
	if l := lineWith(d.screen(), "web1"); strings.Contains(l, "⚑") {
		t.Fatalf("mark kept after attaching: %q", l)
	}
}

// w opens the session's watch form with its watchers; space toggles,
// text fields take a duration and a regexp, enter saves; an invalid
// regexp is said in the form, which stays open.
func TestWatchForm(t *testing.T) {
	d, f := newWatchDriver(t)
	pre, _ := watch.Parse([]string{"exit"})
	f.specs[1] = pre
	d.keys("tab", "w")
	d.mustSee("Watchers · web1", "[ ] drop", "[x] exit", "silence", "match")
	d.keys("space")                                 // drop on
	d.keys("down", "down", "down", "space")         // exit off
	d.keys("down", "4", "5", "s", "down", "ERROR(") // silence, a bad regexp
	d.keys("enter")
	d.mustSee("Watchers · web1", "invalid regular expression")
	d.keys("backspace", "|", "p", "a", "n", "i", "c", "enter")
	d.mustNotSee("Watchers · web1")
	if got := f.Watches(1).String(); got != "drop, silence=45s, match=ERROR|panic" {
		t.Fatalf("saved %q", got)
	}
	d.mustSee("watching web1: drop, silence=45s, match=ERROR|panic")
	// Reopened: it shows what was saved; esc leaves it unchanged.
	d.keys("w")
	d.mustSee("[x] drop", "[ ] exit", "45s", "ERROR|panic")
	d.keys("space", "esc")
	if got := f.Watches(1).String(); got != "drop, silence=45s, match=ERROR|panic" {
		t.Fatalf("after esc: %q", got)
	}
}

// rawTerm records what the dashboard writes through Options.Terminal.
type rawTerm struct{ seqs []string }

func (r *rawTerm) WriteRaw(seq string) { r.seqs = append(r.seqs, seq) }

// When a screen draws the dashboard (Options.Terminal), an alert rings
// through it, at once, and not through tea.Raw (whose output Bubble Tea
// writes only on its own frame tick).
func TestWatchAlertRingsThroughTheTerminal(t *testing.T) {
	f := &watchFake{fakeBackend: newDemoBackend(), specs: map[int]watch.Spec{}}
	f.events = nil
	term := &rawTerm{}
	m := New(Options{Backend: f, Theme: themes.MustNew("dark", true, false), Now: fixedClock(), Terminal: term})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.send(alertMsg{watch.Alert{ID: 2, Alias: "db-primary", Kind: watch.KindMatch, Text: "output matched: DEPLOY-42", At: testT0}})
	if want := "\a\x1b]9;sshdash: db-primary: output matched: DEPLOY-42\a"; len(term.seqs) != 1 || term.seqs[0] != want {
		t.Fatalf("terminal writes %q, want one bell and OSC 9", term.seqs)
	}
	if got := raws(d); len(got) != 0 {
		t.Fatalf("tea.Raw writes %q as well", got)
	}
	d.mustSee("⚑ db-primary: output matched: DEPLOY-42")
}

// With a Terminal, Init asks for the background colour through it (the
// screen draws; Bubble Tea would write tea.RequestBackgroundColor's
// query only on a frame tick it no longer runs).
func TestInitAsksTheBackgroundThroughTheTerminal(t *testing.T) {
	term := &rawTerm{}
	m := New(Options{Backend: newDemoBackend(), Theme: themes.MustNew("dark", true, false), Now: fixedClock(), Terminal: term})
	m.Init()
	if want := "\x1b]11;?\x07"; len(term.seqs) != 1 || term.seqs[0] != want {
		t.Fatalf("terminal writes %q, want the background colour query %q", term.seqs, want)
	}
}

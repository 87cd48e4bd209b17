package ui

import (
	"fmt"
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// Issue 16: space marks and moves down; o opens the marked hosts in the
// list's order (by group, config order within), whatever order they were
// marked in; * marks every host the filter shows, and again unmarks them.
func TestMarkingOpensInListOrder(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 100, 30)
	// Cursor on web1: mark build-box (5th), then web1 (1st), then pi.
	d.keys("j", "j", "j", "j", "space")
	if d.m.hosts.cursorAlias() != "pi" {
		t.Fatalf("space did not move down: cursor on %q", d.m.hosts.cursorAlias())
	}
	d.keys("g", "space", "G", "space")
	d.keys("o")
	if opened, _, _, _, _ := f.calls(); !slices.Equal(opened, []string{"web1&", "build-box&", "pi&"}) {
		t.Fatalf("opened %v, want list order web1, build-box, pi", opened)
	}
	if len(d.m.hosts.marked) != 0 {
		t.Fatal("marks kept after opening")
	}
}

func TestMarkAllShown(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 100, 30)
	d.keys("/", "web", "enter", "*")
	d.mustSee("2 selected")
	d.keys("*")
	d.mustNotSee("selected")
	d.keys("*", "o")
	if opened, _, _, _, _ := f.calls(); !slices.Equal(opened, []string{"web1&", "web2&"}) {
		t.Fatalf("/web * o opened %v, want web1, web2", opened)
	}
	d.keys("esc", "*")
	d.mustSee("6 selected")
	d.keys("*", "/", "primary*") // * while typing the filter applies it and marks
	d.mustSee("1 selected", "/ primary")
	d.keys("o")
	if opened, _, _, _, _ := f.calls(); !slices.Equal(opened[2:], []string{"db-primary&"}) {
		t.Fatalf("/primary* o opened %v", opened[2:])
	}
	d.keys("?")
	d.mustSee("mark all shown", "mark, move down")
}

// Issue 16: r on a session that cannot reattach asks first, as x does;
// one that can reattach, or whose shell is already lost, reconnects at once.
func TestReconnectAsksWithoutReattach(t *testing.T) {
	f := newDemoBackend()
	f.update(1, func(s *session.Status) { s.Reattach = "none" })
	d := newDriver(t, f, 100, 30)
	d.keys("tab", "r")
	d.mustSee("Reconnect session #1 web1?", "cannot reattach")
	d.keys("n")
	if _, _, rec, _, _ := f.calls(); len(rec) != 0 {
		t.Fatalf("reconnected after no: %v", rec)
	}
	d.keys("r", "y")
	if _, _, rec, _, _ := f.calls(); !slices.Equal(rec, []int{1}) {
		t.Fatalf("reconnected %v after yes, want [1]", rec)
	}
	d.keys("j", "r") // db-primary: tmux, no question
	d.mustNotSee("Reconnect session")
	if _, _, rec, _, _ := f.calls(); !slices.Equal(rec, []int{1, 2}) {
		t.Fatalf("reconnected %v, want [1 2]", rec)
	}
}

// Issue 16: the settings form writes only what was changed. Saving with
// no edit writes nothing; Enter moves on to the next field (and presses a
// button); j/k move between fields outside text; ctrl+s saves from any
// field, with only the changed field marked.
func TestSettingsFormWritesOnlyChanges(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 30)
	d.keys("e")
	d.mustSee("ctrl+s save", "Only changed fields are saved")
	d.keys("ctrl+s")
	if _, _, _, _, saved := f.calls(); len(saved) != 0 || d.m.settingsOpen {
		t.Fatalf("saved %v (form open %v) with no edit", saved, d.m.settingsOpen)
	}
	d.mustSee("web1: nothing changed, nothing saved")

	d.keys("e")
	for _, want := range []int{fieldInterval, fieldCount, fieldReattach, fieldTags, fieldPattern, fieldSave} {
		d.keys("enter")
		if d.m.settings.focus != want {
			t.Fatalf("enter moved to field %d, want %d", d.m.settings.focus, want)
		}
	}
	d.keys("k") // on the Save button: up to the pattern
	if d.m.settings.focus != fieldPattern {
		t.Fatalf("k moved to field %d, want the pattern", d.m.settings.focus)
	}
	d.keys("shift+tab", "shift+tab", "k", "j") // up to tags, reattach, k up to count, where j is text
	if d.m.settings.focus != fieldCount || d.m.settings.count.Value() != "3j" {
		t.Fatalf("focus %d count %q: j is text in a text field", d.m.settings.focus, d.m.settings.count.Value())
	}
	d.keys("backspace", "shift+tab", "shift+tab", "j")
	if d.m.settings.focus != fieldInterval {
		t.Fatalf("j from the mode moved to field %d, want the interval", d.m.settings.focus)
	}
	d.keys("tab", "tab", "left", "enter", "enter", "enter", "enter") // reattach: none; enter to tags, pattern, Save, press it
	_, _, _, _, saved := f.calls()
	if len(saved) != 1 || saved[0].hs.Changed != FieldReattach || saved[0].hs.Reattach != "none" {
		t.Fatalf("saved %+v, want only reattach none", saved)
	}
	d.mustSee("saved for web1: reattach none")
}

// Issue 16: [ in the sessions pane focuses the preview; there, and with
// the mouse wheel over it, it scrolls back through the session's history
// (pgup/pgdown, ↑/↓, g/G); esc returns to the table and the live screen.
func TestPreviewScrollsHistory(t *testing.T) {
	f := newDemoBackend()
	var h []string
	for i := 1; i <= 300; i++ {
		h = append(h, fmt.Sprintf("line-%d", i))
	}
	f.hist[1] = h
	f.screens[1] = h[len(h)-5:]
	d := newDriver(t, f, 100, 40)
	d.keys("tab")
	d.mustSee("line-300")
	d.keys("[")
	if d.m.focus != panePreview {
		t.Fatalf("focus %v after [, want the preview", d.m.focus)
	}
	if !slices.Equal(f.syncs, []int{1}) {
		t.Fatalf("history fetched for %v, want session 1 once", f.syncs)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyPgUp})
	d.mustSee("lines back (G: live)")
	d.mustNotSee("line-300")
	d.keys("g")
	d.mustSee("line-1 ", "line-2 ")
	d.keys("G")
	d.mustSee("line-300")
	d.mustNotSee("lines back")
	d.keys("esc")
	if d.m.focus != paneSessions {
		t.Fatalf("esc: focus %v, want the sessions pane", d.m.focus)
	}
	// The wheel over the preview scrolls it without the focus.
	g := layout(d.m.w, d.m.h, d.m.focus, len(d.m.snapshot))
	for range 50 {
		d.send(tea.MouseWheelMsg{X: g.preview.x + 2, Y: g.preview.y + 3, Button: tea.MouseWheelUp})
	}
	d.mustSee("150 lines back", "line-150")
	if !slices.Equal(f.syncs, []int{1, 1}) {
		t.Fatalf("history fetched for %v, want session 1 again for the wheel", f.syncs)
	}
	d.keys("j") // the table moves on: another session, its live screen
	d.mustNotSee("lines back")
}

// Sessions open before the first frame (the demo's) get one 1 s tick
// chain, not a second one from the first flush: Init cannot record that
// it scheduled one, New does.
func TestOneTickChainWithSessionsAtStart(t *testing.T) {
	f := newDemoBackend()
	f.events = nil
	m := New(Options{Backend: f, Theme: themes.MustNew("dark", true, false), Now: fixedClock()})
	d := &driver{t: t, m: m}
	d.stopTimers()
	// New scheduled with the real timer function; count what Init and a
	// flush schedule from here on.
	d.m.initTimers = nil
	if !d.m.ticking || !d.m.spinning {
		t.Fatalf("ticking %v spinning %v after New with live sessions", d.m.ticking, d.m.spinning)
	}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24}, flushMsg{})
	if d.timers != 0 {
		t.Fatalf("%d more timers scheduled by a flush while the first ones run", d.timers)
	}
}

// At 40×12 the help starts with the attach prefix's keys (detach first),
// and scrolls with j/k to its last line, which a screen that small
// otherwise cut off; esc closes it.
func TestHelpScrollsOnSmallScreen(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 40, 12)
	d.keys("?")
	d.mustSee("Attached to a session", "d detach", "↑/↓ scroll · lines 1–", "scroll • esc close")
	d.mustNotSee("closes.")
	for range 60 {
		d.keys("j")
	}
	d.mustSee("closes.", "lines 49–53 of 53")
	d.mustNotSee("d detach")
	d.keys("g")
	d.mustSee("d detach")
	d.keys("esc")
	d.mustNotSee("Attached to a session")
	d.keys("?") // opens at the top again
	d.mustSee("d detach")
	// Wide enough for all of it: no scrolling.
	d = newDriver(t, newDemoBackend(), 160, 48)
	d.keys("?")
	d.mustSee("d detach", "Mouse: click a row")
	d.mustNotSee("↑/↓ scroll")
}

// At 40×12 the settings form fits the screen whole (compact: short labels,
// no explanations, the keys in the hint bar) with every choice readable;
// at 80×24 it keeps its explanations.
func TestSettingsFormFitsSmallScreen(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 40, 12)
	d.keys("j", "j", "e")
	d.mustSee("Settings · db-primary", "[probe] noop tcp off", "auto [tmux] screen none", "Misses", "[ Save ]  [ Cancel ]", "╰", "ctrl+s save")
	d.keys("tab", "tab", "tab", "right")
	d.mustSee("auto tmux [screen] none")
	d = newDriver(t, newDemoBackend(), 80, 24)
	d.keys("j", "j", "e")
	d.mustSee("Missed beats", "before the link is dead", "Only changed fields are saved")
}

// At 40×12 there is no preview pane: [ says so and how to scroll back
// instead of doing nothing.
func TestScrollPreviewKeyWithoutPreviewPane(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 40, 12)
	d.keys("tab", "[")
	d.mustSee("no room for the")
	d = newDriver(t, newDemoBackend(), 120, 40)
	d.keys("tab", "[")
	d.mustNotSee("no room for the")
}

// The form's "Now:" line is wrapped, not cut: where the heartbeat comes
// from (ssh_config's options) is the point of it.
func TestSettingsNowLineWrapped(t *testing.T) {
	f := newDemoBackend()
	f.hosts[2].HeartbeatSource = "ssh_config ServerAliveInterval + ServerAliveCountMax END-OF-SOURCE"
	d := newDriver(t, f, 120, 40)
	d.keys("j", "j", "e")
	d.mustSee("Settings · db-primary", "END-OF-SOURCE")
}

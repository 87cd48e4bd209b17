package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/themes"
)

// driver feeds messages to a Model the way a tea.Program would, running the
// commands that answer at once (emitted messages, backend calls) and
// dropping timers (ticks, spinner frames), so that tests are deterministic.
type driver struct {
	t    testing.TB
	m    Model
	quit bool
	// seen are the messages the model received, in order.
	seen []tea.Msg
	// timers is the number of timers the model scheduled.
	timers int
}

func newDriver(t testing.TB, f *fakeBackend, w, h int) *driver {
	t.Helper()
	f.events = nil // events are sent by the test, not read from a channel
	m := New(Options{
		Backend: f,
		Theme:   themes.MustNew("dark", true, false),
		Now:     fixedClock(),
		Looked:  []string{"~/.ssh/config", "/etc/ssh/ssh_config"},
	})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// stopTimers replaces the model's timers by ones that never fire; the test
// sends flushMsg, secondTickMsg or spinTickMsg itself. timers counts the
// timers scheduled.
func (d *driver) stopTimers() {
	d.m.sh.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd {
		d.timers++
		return func() tea.Msg { return nil }
	}
}

// cmdTimeout bounds a command; every command of the model answers at once
// in tests (timers are stopped), so this is only a safety net.
const cmdTimeout = 5 * time.Second

func runCmd(c tea.Cmd) []tea.Msg {
	if c == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(cmdTimeout):
		panic("a command blocked")
	}
}

func (d *driver) send(msgs ...tea.Msg) {
	d.t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			d.t.Fatal("message loop does not settle")
		}
		msg := queue[0]
		queue = queue[1:]
		switch msg := msg.(type) {
		case tea.QuitMsg:
			d.quit = true
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				queue = append(queue, runCmd(c)...)
			}
			continue
		}
		d.seen = append(d.seen, msg)
		_, cmd := d.m.Update(msg)
		queue = append(queue, runCmd(cmd)...)
	}
}

// keys sends key presses: names such as "enter", "esc", "tab", "space",
// "up", "ctrl+c", or literal text typed one rune at a time.
func (d *driver) keys(ks ...string) {
	d.t.Helper()
	for _, k := range ks {
		for _, kp := range keyMsgs(k) {
			d.send(kp)
		}
	}
}

func keyMsgs(k string) []tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"space":     {Code: tea.KeySpace, Text: " "},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgdown":    {Code: tea.KeyPgDown},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
	}
	if kp, ok := special[k]; ok {
		return []tea.KeyPressMsg{kp}
	}
	var out []tea.KeyPressMsg
	for _, r := range k {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// screen is the current view without ANSI sequences.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

func (d *driver) mustSee(parts ...string) {
	d.t.Helper()
	s := d.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			d.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func (d *driver) mustNotSee(parts ...string) {
	d.t.Helper()
	s := d.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			d.t.Fatalf("screen shows %q:\n%s", p, s)
		}
	}
}

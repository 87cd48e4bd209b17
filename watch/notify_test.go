package watch

import (
	"testing"
)

func TestSequence(t *testing.T) {
	a := Alert{Alias: "web1", Kind: KindMatch, Text: "output matched: a\x1b]0;x\a\x07b\u009c"}
	if got := string(Sequence(ModeOSC9, a)); got != "\a\x1b]9;sshdash: web1: output matched: a ]0;x  b \a" {
		t.Fatalf("osc9 = %q", got)
	}
	if got := string(Sequence(ModeOSC777, Alert{Alias: "h", Text: "t"})); got != "\a\x1b]777;notify;sshdash;h: t\a" {
		t.Fatalf("osc777 = %q", got)
	}
	if got := string(Sequence(ModeBell, a)); got != "\a" {
		t.Fatalf("bell = %q", got)
	}
	if got := Sequence(ModeNone, a); got != nil {
		t.Fatalf("none = %q", got)
	}
}

func TestModeResolve(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		m    Mode
		env  func(string) string
		want Mode
	}{
		{ModeAuto, env("TERM_PROGRAM", "WezTerm"), ModeOSC9},
		{ModeAuto, env("TERM_PROGRAM", "iTerm.app"), ModeOSC9},
		{ModeAuto, env("TERM", "xterm-kitty"), ModeOSC9},
		{ModeAuto, env("TERM", "foot"), ModeOSC777},
		{ModeAuto, env("TERM", "xterm-256color"), ModeBell},
		{ModeAuto, env("TERM_PROGRAM", "WezTerm", "TMUX", "/tmp/t,1,0"), ModeBell},
		{ModeOSC777, env("TERM", "xterm"), ModeOSC777},
		{ModeNone, env("TERM_PROGRAM", "WezTerm"), ModeNone},
	} {
		if got := tc.m.Resolve(tc.env); got != tc.want {
			t.Errorf("%s.Resolve = %s, want %s", tc.m, got, tc.want)
		}
	}
	if _, err := ParseMode("loud"); err == nil {
		t.Fatal("ParseMode accepted loud")
	}
	if m, err := ParseMode(""); err != nil || m != ModeAuto {
		t.Fatalf("ParseMode(\"\") = %v %v", m, err)
	}
}

func TestCenter(t *testing.T) {
	c := NewCenter()
	c.Post(Alert{Text: "a"})
	alerts, release := c.Attach()
	c.Post(Alert{Text: "b"})
	release()
	c.Post(Alert{Text: "c"})
	if a := <-alerts; a.Text != "b" {
		t.Fatalf("the attach got %q", a.Text)
	}
	if len(alerts) != 0 {
		t.Fatal("the attach got an alert after release")
	}
	for _, want := range []struct {
		text      string
		delivered bool
	}{{"a", false}, {"b", true}, {"c", false}} {
		a := <-c.Alerts()
		if a.Text != want.text || a.Delivered != want.delivered {
			t.Fatalf("got %+v, want %+v", a, want)
		}
	}
	// A dashboard that does not read: the queue keeps the latest, bounded.
	for i := range 3 * centerQueue {
		c.Post(Alert{ID: i})
	}
	if n := len(c.Alerts()); n != centerQueue {
		t.Fatalf("queue holds %d", n)
	}
	if a := <-c.Alerts(); a.ID != 2*centerQueue {
		t.Fatalf("oldest kept is %d, want %d", a.ID, 2*centerQueue)
	}
}

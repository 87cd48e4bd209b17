package watch

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
)

// Mode is how alerts reach the user's terminal.
type Mode string

// Notification modes (the settings file's notify = "…").
const (
	ModeAuto   Mode = "auto"   // bell, plus OSC 9 where the terminal is known to show it
	ModeBell   Mode = "bell"   // BEL only
	ModeOSC9   Mode = "osc9"   // BEL and OSC 9 (iTerm2, WezTerm, Ghostty, kitty, …)
	ModeOSC777 Mode = "osc777" // BEL and OSC 777 notify (foot, urxvt, Ghostty, WezTerm, …)
	ModeNone   Mode = "none"   // nothing on the terminal (the dashboard still shows them)
)

// ParseMode reads a notify setting; "" is ModeAuto.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeBell, ModeOSC9, ModeOSC777, ModeNone:
		return m, nil
	}
	return "", fmt.Errorf("unknown notify %q (want auto, bell, osc9, osc777 or none)", s)
}

// Resolve turns ModeAuto into a concrete mode from the environment:
// OSC 9 for terminals known to show it as a desktop notification (by
// TERM_PROGRAM or TERM), OSC 777 for foot, the bell alone otherwise (and
// inside tmux or screen, which do not pass either through).
func (m Mode) Resolve(getenv func(string) string) Mode {
	if m != ModeAuto && m != "" {
		return m
	}
	if getenv == nil {
		return ModeBell
	}
	prog, term := strings.ToLower(getenv("TERM_PROGRAM")), strings.ToLower(getenv("TERM"))
	switch {
	case getenv("TMUX") != "" || prog == "tmux" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux"):
		return ModeBell
	case prog == "iterm.app" || prog == "wezterm" || prog == "ghostty" ||
		term == "xterm-kitty" || term == "xterm-ghostty" || term == "wezterm":
		return ModeOSC9
	case strings.HasPrefix(term, "foot"):
		return ModeOSC777
	}
	return ModeBell
}

// maxNotice bounds the text of a desktop notification.
const maxNotice = 200

// Sequence is what to write to the terminal for a: BEL, and in the OSC
// modes the desktop notification. The text is made safe: control
// characters become spaces, so a remote line can never end the sequence
// or start another. m must be resolved (not ModeAuto).
func Sequence(m Mode, a Alert) []byte {
	switch m {
	case ModeNone, "":
		return nil
	case ModeBell, ModeAuto:
		return []byte("\a")
	}
	text := safeText(a.Message())
	if m == ModeOSC777 {
		return []byte("\a\x1b]777;notify;sshdash;" + text + "\a")
	}
	return []byte("\a\x1b]9;sshdash: " + text + "\a")
}

func safeText(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxNotice {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// centerQueue bounds the alerts waiting for the dashboard; beyond it the
// oldest are dropped (each session's own log keeps them all).
const centerQueue = 64

// Center collects the alerts of every Watcher and hands them out: to the
// dashboard through Alerts (all of them, for its marks and log), and to an
// attach in progress through the channel Attach returns (to put on the
// terminal between frames). Post never blocks.
type Center struct {
	out chan Alert

	mu   sync.Mutex // guards sink
	sink chan Alert // the attach's, while one runs
}

// NewCenter returns an empty Center.
func NewCenter() *Center {
	return &Center{out: make(chan Alert, centerQueue)}
}

// Post queues a. While an attach has taken the terminal (Attach), it also
// gets a and a is marked Delivered. A full queue drops the oldest alert.
func (c *Center) Post(a Alert) {
	c.mu.Lock()
	if c.sink != nil {
		select {
		case c.sink <- a:
			a.Delivered = true
		default: // the attach is behind: the dashboard rings later
		}
	}
	c.mu.Unlock()
	for {
		select {
		case c.out <- a:
			return
		default:
		}
		select {
		case <-c.out: // drop the oldest
		default:
		}
	}
}

// Alerts delivers every alert, for the dashboard.
func (c *Center) Alerts() <-chan Alert { return c.out }

// Attach makes the returned channel receive the alerts posted until
// release is called (the attach's loop puts them on the terminal).
func (c *Center) Attach() (alerts <-chan Alert, release func()) {
	ch := make(chan Alert, 16)
	c.mu.Lock()
	c.sink = ch
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		if c.sink == ch {
			c.sink = nil
		}
		c.mu.Unlock()
	}
}

package vt

import (
	"slices"
	"strings"
	"testing"
)

// A stand-in for the real terminal: a Screen fed the same output as the
// session's emulator, then Leave. It ends in the default state, on the
// main screen, with the cursor where the remote's output left it and the
// text untouched.
func TestLeaveRestoresDefaults(t *testing.T) {
	cases := []struct {
		name, in     string
		wantX, wantY int
	}{
		{"plain output", "line 1\r\nline 2\r\n$ ", 2, 2},
		{"issue 13: insert, no wrap, origin, DEC graphics after output",
			"out 1\r\nout 2\r\n\x1b[4h\x1b[?7l\x1b[?6h\x1b(0\x1b[3;1Hlqk\r\n", 0, 3},
		{"scroll region and origin", "a\r\nb\r\n\x1b[2;5r\x1b[?6h\x1b[2;4Hx", 4, 2},
		{"G1 shifted in, UK G2", "\x1b)0\x0e\x1b*Aqq", 2, 0},
		{"reverse video, cursor shape, blink, colour, hidden", "x\x1b[?5h\x1b[4 q\x1b[?12h\x1b]12;red\x07\x1b[?25l", 1, 0},
		{"mouse, focus, paste, keys, keypad", "\x1b[?1002h\x1b[?1006h\x1b[?1004h\x1b[?2004h\x1b[?1h\x1b=\x1b[>4;2m\x1b[>1u\x1b[>3uz", 1, 0},
		{"tab stops and pen", "\x1b[3g\x1b[5G\x1bH\r\x1b[1;31mred", 3, 0},
		{"pending wrap", strings.Repeat("w", 20) + "", 0, 1},
		{"alternate screen with its own modes", "shell$ vim\r\n\x1b[?1049h\x1b[>1u\x1b[?1000h\x1b[4h\x1b[10;5H~~~", 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, real := New(20, 6), New(20, 6)
			emu.Write([]byte(tc.in))
			real.Write([]byte(tc.in))
			leave := emu.Leave(false)
			mainLines := func(s *Screen) []string {
				s.lockSettled()
				defer s.mu.Unlock()
				var out []string
				for y := range s.rows {
					out = append(out, s.plain(s.main.line(y).cells))
				}
				return out
			}
			before := mainLines(real)
			real.Write(leave)
			if after := mainLines(real); !slices.Equal(before, after) {
				t.Errorf("Leave changed the text:\nbefore %q\nafter  %q", before, after)
			}
			real.lockSettled()
			defer real.mu.Unlock()
			if real.buf != &real.main {
				t.Error("still on the alternate screen")
			}
			if m := real.modesLocked(); m != (Modes{Autowrap: true, CursorVisible: true}) {
				t.Errorf("modes %+v, want the defaults", m)
			}
			if len(real.main.kitty) != 0 || len(real.alt.kitty) != 0 {
				t.Errorf("kitty stacks %v %v, want empty", real.main.kitty, real.alt.kitty)
			}
			if real.top != 0 || real.bottom != real.rows-1 {
				t.Errorf("scroll region %d-%d, want the whole screen", real.top, real.bottom)
			}
			if real.charsets != [4]charset{} || real.gl != 0 {
				t.Errorf("charsets %v GL G%d, want ASCII in G0-G3 and G0 in GL", real.charsets, real.gl)
			}
			if real.pen != (style{}) {
				t.Errorf("pen %+v, want the default", real.pen)
			}
			if !defaultTabs(real.tabs) {
				t.Errorf("tab stops not every 8 columns")
			}
			if real.cursorColor {
				t.Error("cursor colour not reset")
			}
			if real.x != tc.wantX || real.y != tc.wantY || real.pending {
				t.Errorf("cursor at %d,%d (pending %v), want %d,%d; Leave wrote %q", real.x, real.y, real.pending, tc.wantX, tc.wantY, leave)
			}
		})
	}
}

// Only what the remote changed is sent: for a screen in the default
// state, Leave is CAN and the cursor position.
func TestLeaveSendsOnlyWhatIsNeeded(t *testing.T) {
	s := New(80, 24)
	s.Write([]byte("hello\r\nworld"))
	if got, want := string(s.Leave(false)), "\x18\x1b[2;6H"; got != want {
		t.Errorf("Leave = %q, want %q", got, want)
	}
	s.Write([]byte("\x1b[4h"))
	if got, want := string(s.Leave(false)), "\x18\x1b[4l\x1b[2;6H"; got != want {
		t.Errorf("Leave = %q, want %q", got, want)
	}
	// No alternate screen was entered: no ?1049l (which would restore a
	// saved cursor on a real terminal).
	if strings.Contains(string(s.Leave(false)), "1049") {
		t.Error("Leave left an alternate screen that was never entered")
	}
}

// With freshLine a cursor after a prompt goes to the next line; one at
// the start of a line stays.
func TestLeaveFreshLine(t *testing.T) {
	s := New(80, 24)
	s.Write([]byte("out\r\nremote$ "))
	if got, want := string(s.Leave(true)), "\x18\x1b[2;9H\r\n"; got != want {
		t.Errorf("Leave(true) after a prompt = %q, want %q", got, want)
	}
	s.Write([]byte("\r\n"))
	if got, want := string(s.Leave(true)), "\x18\x1b[3;1H"; got != want {
		t.Errorf("Leave(true) at a line start = %q, want %q", got, want)
	}
}

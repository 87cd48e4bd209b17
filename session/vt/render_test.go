package vt

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Inputs shaped like the output of real programs (sequences as vim, htop,
// less, tmux, mc and bash with readline send them).
var programOutputs = []struct {
	name       string
	cols, rows int
	in         string
}{
	{"bash prompt and ls", 80, 24, "\x1b]0;user@host: ~\x07\x1b[?2004h\x1b[01;32muser@host\x1b[00m:\x1b[01;34m~\x1b[00m$ ls --color\r\n\x1b[?2004l\r" +
		"\x1b[0m\x1b[01;34mDocuments\x1b[0m  \x1b[01;32mrun.sh\x1b[0m  notes.txt  \x1b[01;36mlink\x1b[0m\r\n" +
		"\x1b]0;user@host: ~\x07\x1b[?2004h\x1b[01;32muser@host\x1b[00m:\x1b[01;34m~\x1b[00m$ "},
	{"shell with long wrapped line", 20, 6, "$ echo " + strings.Repeat("abcdefghij", 7) + "\r\n" + strings.Repeat("abcdefghij", 7) + "\r\n$ "},
	{"shell scrolled a lot", 40, 5, strings.Repeat("output line with some text\r\n", 30) + "\x1b[1m$\x1b[0m "},
	{"vim", 80, 24, "\x1b[?1049h\x1b[22;0;0t\x1b[>4;2m\x1b[?1h\x1b=\x1b[H\x1b[2J\x1b[?2004h\x1b[?1004h\x1b[1;24r\x1b[?12h\x1b[?12l" +
		"\x1b[22;2t\x1b[22;1t\x1b[27m\x1b[23m\x1b[29m\x1b[m\x1b[H\x1b[2J\x1b[?25l\x1b[24;1H\"main.go\" 42L, 1024B" +
		"\x1b[1;1H\x1b[38;5;130mpackage\x1b[m main\r\n\r\n\x1b[38;5;130mimport\x1b[m \x1b[38;5;161m\"fmt\"\x1b[m\r\n" +
		"\x1b[38;5;130mfunc\x1b[m \x1b[38;2;80;160;255mmain\x1b[m() {\r\n\tfmt.Println(\x1b[38;5;161m\"こんにちは 👋\"\x1b[m)\r\n}" +
		strings.Repeat("\r\n\x1b[1m\x1b[34m~                                                                               \x1b[m", 17) +
		"\x1b[23;63H1,1\x1b[11CTop\x1b[1;1H\x1b[?25h\x1b[?25l\x1b[?25h\x1b[2 q"},
	{"vim exited", 80, 24, "$ vim\r\n\x1b[?1049h\x1b[H\x1b[2Jvim stuff\x1b[?1049l\x1b[23;0;0t\x1b[?1l\x1b>\x1b[>4;m$ "},
	{"htop", 100, 30, "\x1b[?1049h\x1b[22;0;0t\x1b[1;30r\x1b(B\x1b[m\x1b[4l\x1b[?7h\x1b[?1h\x1b=\x1b[?25l\x1b[39;49m\x1b[?1000h\x1b[?1006h\x1b[39;49m\x1b(B\x1b[m\x1b[H\x1b[2J" +
		"\x1b[2d  \x1b[36m1\x1b[39m\x1b[1m[\x1b[32m||||||\x1b[31m||\x1b[90m                          \x1b[39m12.5%\x1b[39m]\x1b[m   " +
		"\x1b[36mTasks: \x1b[1m52\x1b[m\x1b[36m, \x1b[32m\x1b[1m1\x1b[m\x1b[36m running\r\n" +
		"  \x1b[36mMem\x1b[39m\x1b[1m[\x1b[32m|||||||\x1b[34m||\x1b[33m|||||\x1b[90m     1.2G/7.7G\x1b[39m]\x1b[m\r\n\r\n" +
		"\x1b[30m\x1b[42m  PID USER      PRI  NI  VIRT   RES   SHR S CPU% MEM%   TIME+  Command                                   \r\n" +
		"\x1b[30m\x1b[46m    1 root       20   0  162M 11364  8328 S  0.0  0.1  0:01.50 /sbin/init                                \x1b[m\r\n" +
		"\x1b[39;49m  412 \x1b[38;2;255;128;0muser\x1b[39m       20   0  \x1b[36m1.2G\x1b[39m  200M 50000 R 12.5  2.5  1h02:03 \x1b[1mgo\x1b[m test ./...\x1b[K\r\n" +
		"\x1b[30;1H\x1b[30mF1\x1b[30;46mHelp  \x1b[39;49m\x1b[30mF10\x1b[30;46mQuit\x1b[K\x1b[39;49m\x1b[30;100H"},
	{"less", 60, 10, "\x1b[?1049h\x1b[?1h\x1b=\r" + strings.Repeat("some text in a file, and more\x1b[m\r\n", 9) +
		"\x1b[7m(END)\x1b[27m\x1b[K"},
	{"tmux", 60, 12, "\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l\x1b[1;11r\x1b[H$ ls\r\nfile\x1b[11;1H\x1b[r" +
		"\x1b[12;1H\x1b[30m\x1b[42m[0] 0:bash*" + strings.Repeat(" ", 39) + "\"host\" 12:00\x1b[m" +
		"\x1b[1;31H\x1b(0x\x1b(B\x1b[2;31H\x1b(0x\x1b(B\x1b[6;1H\x1b(0qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\x1b(B" +
		"\x1b[2;3H\x1b[?25h\x1b[?1000h\x1b[?1002h\x1b[?1006h\x1b[?1004h\x1b[?2004h"},
	{"mc line drawing box", 30, 8, "\x1b[?1049h\x1b[H\x1b[2J\x1b)0\x1b[44m\x1b[37m\x0elqqqqqqqqqk\x0f\r\n\x0ex\x0f Left     \x0ex\x0f\r\n\x0emqqqqqqqqqj\x0f\x1b[m"},
	{"CJK and emoji wrapping", 11, 4, "漢字テスト漢字テスト漢字👍🏽x👨‍👩‍👧e\u0301🇺🇸\x1b[31m❤\ufe0f\x1b[m"},
	{"pending wrap at bottom right", 10, 3, "\x1b[3;1H0123456789"},
	{"saved cursor with pending wrap, origin, charset", 10, 5, "\x1b[2;4r\x1b[?6h\x1b[1;10H\x1b[35mX\x1b(0\x1b7\x1b(B\x1b[m\x1b[?6l\x1b[r\x1b[5;1Hend"},
	{"alt screen with own saved cursor and kitty", 20, 5, "\x1b[>1u\x1b[2;2H\x1b7main\x1b[?1049h\x1b[>3u\x1b[=5;2u\x1b[3;3H\x1b[4m\x1b7\x1b[HALT\x1b[1;1r"},
	{"scroll region and origin with cursor inside", 20, 10, "\x1b[3;7r\x1b[?6h\x1b[2;5Hinside\x1b[44m"},
	{"insert mode newline mode autowrap off", 20, 4, "abc\x1b[4h\x1b[20h\x1b[?7l\x1b[1;2H"},
	{"custom tabs", 30, 3, "\x1b[3g\x1b[4G\x1bH\x1b[11G\x1bH\x1b[H\tA\tB"},
	{"erase with colours", 10, 4, "\x1b[41m\x1b[2J\x1b[42m\x1b[2;3H\x1b[K\x1b[43m\x1b[3;1H\x1b[3X\x1b[m"},
	{"styled underline", 20, 2, "\x1b[4:3;58:2::255:0:0mcurly\x1b[4:2;58;5;4m double\x1b[21;53;9m x\x1b[m"},
	{"title and cursor style", 10, 2, "\x1b]2;remote: top\x07\x1b[6 q\x1b[?12h"},
}

func TestRoundTripPrograms(t *testing.T) {
	for _, p := range programOutputs {
		t.Run(p.name, func(t *testing.T) {
			a := New(p.cols, p.rows)
			a.Write([]byte(p.in))
			mustInvariants(t, a)
			roundTrip(t, a)
		})
	}
}

func TestRenderSpecifics(t *testing.T) {
	a := New(20, 5)
	a.Write([]byte("\x1b[?1049h\x1b[?1h\x1b=\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[?1004h\x1b[?7l"))
	out := string(a.Render())
	for _, want := range []string{"\x1b[?1049h", "\x1b[?1h", "\x1b=", "\x1b[?2004h", "\x1b[?1002h", "\x1b[?1006h", "\x1b[?1004h", "\x1b[?7l", "\x1b[?25h"} {
		if !strings.Contains(out, want) {
			t.Errorf("Render lacks %q", want)
		}
	}
	if !strings.HasPrefix(out, "\x18\x1b[0m") {
		t.Errorf("Render does not start from a reset: %q", out[:10])
	}

	b := New(20, 5)
	b.Write([]byte("hi\x1b[?25l"))
	out = string(b.Render())
	for _, bad := range []string{"\x1b[?1049h", "\x1b[?1h", "\x1b[?2004h", "\x1b[?25h"} {
		if strings.Contains(out, bad) {
			t.Errorf("Render has %q for a plain shell", bad)
		}
	}
	for _, want := range []string{"\x1b[?1049l", "\x1b[?1l", "\x1b[?2004l", "\x1b>"} {
		if !strings.Contains(out, want) {
			t.Errorf("Render lacks %q", want)
		}
	}

	// Minimal SGR: one sequence for a run of equally styled cells.
	c := New(20, 2)
	c.Write([]byte("\x1b[1;31mhello\x1b[0m world"))
	out = string(c.Render())
	if strings.Count(out, "\x1b[1;31m") != 1 || !strings.Contains(out, "\x1b[1;31mhello\x1b[0m world") || strings.Count(out, "\x1b[0m") != 2 {
		t.Errorf("SGR not minimal: %q", out)
	}
}

// Render must work whatever state the receiving terminal is in.
func TestRenderOntoDirtyScreen(t *testing.T) {
	for _, p := range programOutputs {
		for _, q := range programOutputs[:6] {
			a := New(p.cols, p.rows)
			a.Write([]byte(p.in))
			b := New(p.cols, p.rows)
			b.Write([]byte(q.in))
			b.Write([]byte("\x1b]2;half an OSC")) // and a sequence left open
			b.Write(a.Render())
			sa, sb := takeSnapshot(a), takeSnapshot(b)
			if sa.title == "" {
				sb.title = "" // Render leaves a title alone if the remote never set one
			}
			if d := diffSnapshots(sa, sb); d != "" {
				t.Errorf("%s onto %s:\n%s", p.name, q.name, d)
			}
		}
	}
}

// randomInput builds a random mix of text and control sequences, biased
// towards the ones that move things around.
func randomInput(r *rand.Rand, n int) []byte {
	texts := []string{"hello", "a", "world ", "漢字", "テ", "👍🏽", "👨‍👩‍👧", "e\u0301", "\u0301", "🇺", "🇸", "❤\ufe0f",
		"\ufe0f", "\u200d", "x\u0903", "\u0600", "ᄀ", "\u1161", "q", "lqk", " ", "\xe4", "\xb8", "\xff", "\u00ad"}
	num := func() string {
		switch r.IntN(6) {
		case 0:
			return ""
		case 1:
			return "0"
		case 2:
			return fmt.Sprint(r.IntN(200))
		default:
			return fmt.Sprint(1 + r.IntN(12))
		}
	}
	modes := []int{1, 5, 6, 7, 9, 12, 25, 47, 66, 1000, 1002, 1003, 1004, 1006, 1015, 1047, 1048, 1049, 2004}
	var b strings.Builder
	for range n {
		switch r.IntN(30) {
		case 0, 1, 2, 3, 4, 5:
			b.WriteString(texts[r.IntN(len(texts))])
		case 6:
			b.WriteString([]string{"\r\n", "\n", "\r", "\b", "\t", "\x0e", "\x0f", "\x1bD", "\x1bE", "\x1bM", "\x1bH", "\x1b7", "\x1b8", "\x1b=", "\x1b>"}[r.IntN(15)])
		case 7, 8:
			fmt.Fprintf(&b, "\x1b[%s;%sH", num(), num())
		case 9:
			fmt.Fprintf(&b, "\x1b[%s%c", num(), "ABCDEFGIZ`adef"[r.IntN(14)])
		case 10:
			fmt.Fprintf(&b, "\x1b[%s%c", []string{"", "0", "1", "2", "3"}[r.IntN(5)], "JK"[r.IntN(2)])
		case 11:
			fmt.Fprintf(&b, "\x1b[%s%c", num(), "LMPX@STb"[r.IntN(8)])
		case 12:
			fmt.Fprintf(&b, "\x1b[%s;%sr", num(), num())
		case 13, 14:
			sgr := []string{"0", "1", "2", "3", "4", "4:3", "5", "7", "8", "9", "21", "22", "24", "27", "31", "42", "93", "104",
				"38;5;" + num(), "48;2;1;2;" + num(), "38:2::9:8:7", "58:5:3", "39", "49", "53", ""}
			fmt.Fprintf(&b, "\x1b[%s;%sm", sgr[r.IntN(len(sgr))], sgr[r.IntN(len(sgr))])
		case 15, 16:
			fmt.Fprintf(&b, "\x1b[?%d%c", modes[r.IntN(len(modes))], "hl"[r.IntN(2)])
		case 17:
			fmt.Fprintf(&b, "\x1b[%d%c", []int{4, 20}[r.IntN(2)], "hl"[r.IntN(2)])
		case 18:
			b.WriteString([]string{"\x1b(0", "\x1b(B", "\x1b)0", "\x1b(A", "\x1b*0", "\x1bn", "\x1bo"}[r.IntN(7)])
		case 19:
			b.WriteString([]string{"\x1b[s", "\x1b[u", "\x1b[3g", "\x1b[g", "\x1b#8", "\x1b[!p"}[r.IntN(6)])
		case 20:
			fmt.Fprintf(&b, "\x1b]2;title %d\x07", r.IntN(10))
		case 21:
			b.WriteString([]string{"\x1b[>1u", "\x1b[>3u", "\x1b[<u", "\x1b[=7;1u", "\x1b[=2;3u", "\x1b[>4;2m", "\x1b[>4m", "\x1b[3 q", "\x1b[22t", "\x1b[23t"}[r.IntN(10)])
		case 22:
			b.WriteString([]string{"\x1bP1$r\x1b\\", "\x1b_x\x1b\\", "\x1b]8;;u\x07", "\x1b[6n", "\x1b[c", "\x1bc"}[r.IntN(6)])
		default:
			b.WriteString(strings.Repeat("abcdefghijklmnopqrstuvwxyz", r.IntN(3)))
		}
	}
	return []byte(b.String())
}

func TestRoundTripRandom(t *testing.T) {
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range iters {
		cols, rows := 1+r.IntN(30), 1+r.IntN(12)
		in := randomInput(r, 1+r.IntN(80))
		a := New(cols, rows, WithScrollback(50))
		a.Write(in)
		if r.IntN(4) == 0 {
			c2, r2 := 1+r.IntN(30), 1+r.IntN(12)
			a.Resize(c2, r2)
			in2 := randomInput(r, 10)
			a.Write(in2)
			in = fmt.Appendf(in, "<resize %dx%d>%s", c2, r2, in2)
		}
		if err := checkInvariants(a); err != nil {
			t.Fatalf("iteration %d (%dx%d) input %q: %v", i, cols, rows, in, err)
		}
		cols, rows = a.Size()
		b := New(cols, rows)
		out := a.Render()
		b.Write(out)
		if d := diffSnapshots(takeSnapshot(a), takeSnapshot(b)); d != "" {
			t.Fatalf("iteration %d (%dx%d) input %q:\n%s\nrender %q", i, cols, rows, in, d, out)
		}
	}
}

func TestStyledLines(t *testing.T) {
	s := New(20, 6)
	s.Write([]byte("\x1b[31mred\x1b[m 漢字 👍🏽\r\n\x1b[44mblue bg\x1b[K\x1b[m\r\n\r\n\r\n\r\n$ prompt"))
	for _, sz := range [][2]int{{20, 6}, {10, 3}, {5, 2}, {30, 8}, {7, 1}, {1, 1}} {
		lines := s.StyledLines(sz[0], sz[1])
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Errorf("%v: line %d %q has width %d", sz, i, l, w)
			}
		}
	}
	// The cursor row (the prompt) is kept in view.
	lines := s.StyledLines(10, 3)
	if got := ansi.Strip(lines[2]); got != "$ prompt  " {
		t.Errorf("last preview line %q", got)
	}
	// Top-aligned when the cursor is near the top, with styles.
	s.Write([]byte("\x1b[H"))
	lines = s.StyledLines(20, 2)
	if !strings.Contains(lines[0], "\x1b[31mred") || !strings.HasSuffix(ansi.Strip(lines[0]), "   ") {
		t.Errorf("first preview line %q", lines[0])
	}
	// A wide character cut by the right edge becomes a space.
	if got := ansi.Strip(s.StyledLines(5, 1)[0]); got != "red  " {
		t.Errorf("cut wide char: %q", got)
	}
	if s.StyledLines(0, 5) != nil {
		t.Error("zero width preview")
	}
}

// A preview shorter than the remote screen shows a full-screen program
// (cursor hidden or text below it: top, vim) from its top, and a shell (output
// ending at its prompt) with the cursor's row in view, on the main screen
// and on the alternate screen the private tmux keeps the emulator on.
func TestStyledLinesFullScreenFromTop(t *testing.T) {
	for _, alt := range []bool{false, true} {
		s := New(40, 10)
		if alt {
			s.Write([]byte("\x1b[?1049h")) // tmux attaching
		}
		s.Write([]byte("$ ls\r\nfile\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n$ top"))
		lines := s.StyledLines(40, 4)
		if got := ansi.Strip(lines[3]); !strings.HasPrefix(got, "$ top") {
			t.Errorf("alt %v: shell preview ends with %q, want the prompt row", alt, got)
		}
		// top: its summary at the top, the cursor left on the blank line
		// under it, the process list below.
		s.Write([]byte("\x1b[H\x1b[2Jtop - 09:26:51 up 41 days\r\nTasks: 97 total\r\n\r\n  PID USER\r\n    1 root\r\n    2 root\x1b[3;1H"))
		lines = s.StyledLines(40, 2)
		if got := ansi.Strip(lines[0]); !strings.HasPrefix(got, "top - 09:26:51") {
			t.Errorf("alt %v: top preview starts with %q, want its summary line", alt, got)
		}
		if got := ansi.Strip(lines[1]); !strings.HasPrefix(got, "Tasks: 97 total") {
			t.Errorf("alt %v: top preview line 2 %q", alt, got)
		}
		// top as it really leaves the screen: cursor hidden, at the
		// bottom right.
		s.Write([]byte("\x1b[?25l\x1b[10;40H"))
		if got := ansi.Strip(s.StyledLines(40, 2)[0]); !strings.HasPrefix(got, "top - 09:26:51") {
			t.Errorf("alt %v: top (cursor hidden at the bottom) preview starts with %q", alt, got)
		}
		s.Write([]byte("\x1b[?25h"))
		// vim: the cursor mid-file, the status line at the bottom.
		s.Write([]byte("\x1b[H\x1b[2J\"vim\" line 1\x1b[10;1H\"notes\" 9L\x1b[7;5H"))
		if got := ansi.Strip(s.StyledLines(40, 3)[0]); !strings.HasPrefix(got, `"vim" line 1`) {
			t.Errorf("alt %v: vim preview starts with %q", alt, got)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New(80, 24)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := rand.New(rand.NewPCG(3, 4))
		for range 300 {
			s.Write(randomInput(r, 20))
		}
	}()
	for {
		select {
		case <-done:
			mustInvariants(t, s)
			return
		default:
			_ = s.Render()
			_ = s.Lines()
			_ = s.StyledLines(40, 10)
			_, _, _ = s.Cursor()
			_ = s.Modes()
			_ = s.Scrollback()
			if rand.IntN(50) == 0 {
				s.Resize(60+rand.IntN(40), 20+rand.IntN(10))
			}
		}
	}
}

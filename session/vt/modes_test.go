package vt

import (
	"slices"
	"strings"
	"testing"
)

func TestSGR(t *testing.T) {
	type sc struct {
		name string
		in   string
		want style
	}
	cases := []sc{
		{"reset empty", "\x1b[1;31m\x1b[m", style{}},
		{"reset 0", "\x1b[1;31m\x1b[0m", style{}},
		{"attributes", "\x1b[1;2;3;4;5;7;8;9;53m", style{attrs: attrBold | attrFaint | attrItalic | attrBlink | attrReverse | attrConceal | attrStrike | attrOverline, underline: ulSingle}},
		{"rapid blink", "\x1b[6m", style{attrs: attrRapidBlink}},
		{"attributes off", "\x1b[1;2;3;4;5;7;8;9;53m\x1b[22;23;24;25;27;28;29;55m", style{}},
		{"double underline", "\x1b[21m", style{underline: ulDouble}},
		{"curly underline", "\x1b[4:3m", style{underline: ulCurly}},
		{"dashed then off", "\x1b[4:5m\x1b[4:0m", style{}},
		{"16 colours", "\x1b[31;42m", style{fg: indexed(1), bg: indexed(2)}},
		{"bright colours", "\x1b[91;102m", style{fg: indexed(9), bg: indexed(10)}},
		{"256 colours", "\x1b[38;5;200;48;5;17m", style{fg: indexed(200), bg: indexed(17)}},
		{"truecolor", "\x1b[38;2;10;20;30;48;2;1;2;3m", style{fg: rgb(10, 20, 30), bg: rgb(1, 2, 3)}},
		{"truecolor colon with colour space", "\x1b[38:2::10:20:30m", style{fg: rgb(10, 20, 30)}},
		{"truecolor colon without colour space", "\x1b[38:2:10:20:30m", style{fg: rgb(10, 20, 30)}},
		{"256 colon", "\x1b[48:5:99m", style{bg: indexed(99)}},
		{"underline colour", "\x1b[4;58:2::1:2:3m", style{underline: ulSingle, ul: rgb(1, 2, 3)}},
		{"underline colour 256 and reset", "\x1b[58;5;3m\x1b[59m", style{}},
		{"default colours", "\x1b[31;41m\x1b[39;49m", style{}},
		{"truecolor then attribute", "\x1b[38;2;1;2;3;1m", style{fg: rgb(1, 2, 3), attrs: attrBold}},
		{"bad truecolor ignored", "\x1b[38;2;300;2;3m", style{}},
		{"truncated extended colour", "\x1b[38;5m", style{}},
		{"modifyOtherKeys is not SGR", "\x1b[>4;2m", style{}},
		{"unknown ignored", "\x1b[1;73;31m", style{attrs: attrBold, fg: indexed(1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(10, 2)
			s.Write([]byte(tc.in + "X"))
			if got := penOf(s); got != tc.want {
				t.Errorf("pen = %+v, want %+v", got, tc.want)
			}
			if got := cellAt(s, 0, 0).st; got != tc.want {
				t.Errorf("cell style = %+v, want %+v", got, tc.want)
			}
			roundTrip(t, s)
		})
	}
}

func TestCharsets(t *testing.T) {
	runCases(t, []screenCase{
		{name: "DEC line drawing", in: "\x1b(0lqqk\x1b(Bq", lines: []string{"┌──┐q"}, x: 5, y: 0},
		{name: "all DEC graphics", cols: 40, rows: 2, in: "\x1b(0`abcdefghijklmnopqrstuvwxyz{|}~\x1b(B",
			lines: []string{"◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·"}, x: 31, y: 0},
		{name: "G1 with SO SI", in: "\x1b)0\x0eq\x0fq", lines: []string{"─q"}, x: 2, y: 0},
		{name: "UK", in: "\x1b(A#", lines: []string{"£"}, x: 1, y: 0},
		{name: "DECSC saves charsets", in: "\x1b(0\x1b7\x1b(B\x1b8q", lines: []string{"─"}, x: 1, y: 0},
	})
}

func TestModes(t *testing.T) {
	s := New(20, 5)
	s.Write([]byte("\x1b[?1h\x1b=\x1b[?25l\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[?1004h\x1b[?7l\x1b[5 q\x1b[?12h\x1b[?5h\x1b[4h\x1b[>1u\x1b[>4;2m"))
	want := Modes{
		AppCursorKeys: true, AppKeypad: true, CursorVisible: false, MouseTracking: 1002,
		MouseEncoding: 1006, BracketedPaste: true, FocusEvents: true, Autowrap: false,
		CursorStyle: 5, CursorBlink: true, ReverseVideo: true, Insert: true,
		KittyKeyboard: 1, ModifyOtherKeys: 2,
	}
	if got := s.Modes(); got != want {
		t.Fatalf("Modes() = %+v\nwant %+v", got, want)
	}
	if _, _, vis := s.Cursor(); vis {
		t.Error("cursor visible")
	}
	roundTrip(t, s)
	s.Write([]byte("\x1b[?1l\x1b>\x1b[?25h\x1b[?1000l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[?7h\x1b[0 q\x1b[?12l\x1b[?5l\x1b[4l\x1b[<u\x1b[>4m"))
	if got := s.Modes(); got != (Modes{Autowrap: true, CursorVisible: true}) {
		t.Fatalf("after reset: %+v", got)
	}
	roundTrip(t, s)

	s.Write([]byte("\x1b[?1000h\x1b[?1003h"))
	if m := s.Modes(); m.MouseTracking != 1003 {
		t.Errorf("mouse %d", m.MouseTracking)
	}
	s.Write([]byte("\x1b[>1u\x1b[>3u\x1b[=8;2u"))
	if m := s.Modes(); m.KittyKeyboard != 11 {
		t.Errorf("kitty %d", m.KittyKeyboard)
	}
	s.Write([]byte("\x1b[<u"))
	if m := s.Modes(); m.KittyKeyboard != 1 {
		t.Errorf("kitty after pop %d", m.KittyKeyboard)
	}
	roundTrip(t, s)
	// Queries are never answered and change nothing.
	before := takeSnapshot(s)
	s.Write([]byte("\x1b[6n\x1b[c\x1b[>c\x1b[?u\x1b[?2026$p\x1b[18t\x1bP+q544e\x1b\\"))
	if d := diffSnapshots(before, takeSnapshot(s)); d != "" {
		t.Errorf("queries changed state: %s", d)
	}
}

func TestAltScreen(t *testing.T) {
	s := New(10, 4)
	s.Write([]byte("main1\r\nmain2\x1b[2;3H\x1b[32m"))
	s.Write([]byte("\x1b[?1049h"))
	if !s.AltScreen() {
		t.Fatal("not in alt screen")
	}
	if got := trimLines(s.Lines()); len(got) != 0 {
		t.Fatalf("alt screen not clear: %q", got)
	}
	s.Write([]byte("\x1b[H\x1b[0mvim here\x1b[4;1H~"))
	if got := trimLines(s.Lines()); !slices.Equal(got, []string{"vim here", "", "", "~"}) {
		t.Fatalf("alt lines %q", got)
	}
	roundTrip(t, s)
	// Scrolling the alt screen does not feed the scrollback.
	s.Write([]byte("\n\n\n\n"))
	if len(s.Scrollback()) != 0 {
		t.Error("alt screen fed the scrollback")
	}
	s.Write([]byte("\x1b[?1049l"))
	if s.AltScreen() {
		t.Fatal("still in alt screen")
	}
	if got := trimLines(s.Lines()); !slices.Equal(got, []string{"main1", "main2"}) {
		t.Fatalf("main not restored: %q", got)
	}
	if x, y, _ := s.Cursor(); x != 2 || y != 1 {
		t.Fatalf("cursor not restored: (%d,%d)", x, y)
	}
	if penOf(s).fg != indexed(2) {
		t.Error("pen not restored")
	}
	roundTrip(t, s)

	// 47 switches without clearing; 1047 clears on the way out.
	s = New(10, 3)
	s.Write([]byte("main\x1b[?47hALT\x1b[?47l"))
	if got := trimLines(s.Lines()); !slices.Equal(got, []string{"main"}) {
		t.Fatalf("47: %q", got)
	}
	s.Write([]byte("\x1b[?47h"))
	if got := trimLines(s.Lines()); !slices.Equal(got, []string{"    ALT"}) {
		t.Fatalf("47 again: %q", got)
	}
	s.Write([]byte("\x1b[?1047l\x1b[?1047h"))
	if got := trimLines(s.Lines()); len(got) != 0 {
		t.Fatalf("1047 did not clear: %q", got)
	}
}

func TestOSCAndStrings(t *testing.T) {
	runCases(t, []screenCase{
		{name: "OSC 2 BEL", in: "\x1b]2;my title\x07x", lines: []string{"x"}, x: 1, y: 0,
			check: func(t *testing.T, s *Screen) {
				if s.Title() != "my title" {
					t.Errorf("title %q", s.Title())
				}
			}},
		{name: "OSC 0 ST with UTF-8", in: "\x1b]0;héllo ĜĜ 漢\x1b\\x", lines: []string{"x"}, x: 1, y: 0,
			check: func(t *testing.T, s *Screen) {
				if s.Title() != "héllo ĜĜ 漢" {
					t.Errorf("title %q", s.Title())
				}
			}},
		{name: "title stack", in: "\x1b]2;one\x07\x1b[22;0t\x1b]2;two\x07\x1b[23;0t", x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				if s.Title() != "one" {
					t.Errorf("title %q", s.Title())
				}
			}},
		{name: "OSC 8 hyperlink ignored", in: "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", lines: []string{"link"}, x: 4, y: 0},
		{name: "other OSC ignored", in: "\x1b]52;c;aGVsbG8=\x07\x1b]133;A\x07\x1b]4;1;rgb:ff/00/00\x1b\\ok", lines: []string{"ok"}, x: 2, y: 0},
		{name: "DCS ignored", in: "\x1bPq#0;2;0;0;0#1!6~\x1b\\ok", lines: []string{"ok"}, x: 2, y: 0},
		{name: "DCS with ESC right away", in: "\x1bP\x1b\\ok", lines: []string{"ok"}, x: 2, y: 0},
		{name: "APC PM SOS ignored", in: "\x1b_Gf=100;AAAA\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\ok", lines: []string{"ok"}, x: 2, y: 0},
		{name: "CAN aborts", in: "\x1b]2;t\x18ok\x1b[3\x18X", lines: []string{"okX"}, x: 3, y: 0},
		{name: "ESC inside CSI starts over", in: "\x1b[3\x1b[32mX", lines: []string{"X"}, x: 1, y: 0},
		{name: "title control chars stripped", in: "\x1b]2;a\x01b\u0085c\x07", x: 0, y: 0,
			check: func(t *testing.T, s *Screen) {
				if s.Title() != "abc" {
					t.Errorf("title %q", s.Title())
				}
			}},
	})

	// A huge OSC is consumed without keeping it all.
	s := New(10, 2)
	s.Write([]byte("\x1b]2;"))
	chunk := []byte(strings.Repeat("x", 1<<16))
	for range 32 {
		s.Write(chunk)
	}
	s.Write([]byte("\x07ok"))
	if len(s.Title()) > maxTitle || cap(s.strBuf) > 2*maxString {
		t.Errorf("unbounded OSC: title %d, buffer %d", len(s.Title()), cap(s.strBuf))
	}
	if got := trimLines(s.Lines()); !slices.Equal(got, []string{"ok"}) {
		t.Errorf("after huge OSC: %q", got)
	}
}

func TestDECSTR(t *testing.T) {
	s := New(10, 3)
	s.Write([]byte("\x1b[4h\x1b[?6h\x1b[?25l\x1b[31m\x1b[2;3r\x1b(0\x1b[!p"))
	if m := s.Modes(); m.Insert || m.Origin || !m.CursorVisible {
		t.Errorf("modes %+v", m)
	}
	if penOf(s) != (style{}) {
		t.Error("pen kept")
	}
	s.Write([]byte("q"))
	if got := strings.Join(s.Lines(), ""); got != "q" {
		t.Errorf("charset kept: %q", got)
	}
}

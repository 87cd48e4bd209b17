package vt

import "strconv"

// Leave returns bytes that hand a real terminal showing this screen (a
// Render followed by the same output the Screen was fed) back to the
// user's programs in their default state: the main screen, with the cursor
// where the remote's output left it there.
//
// Only what the remote changed is undone: the alternate screen (left only
// when the remote is in it), insert, newline, autowrap, origin, the scroll
// region, charsets (G0-G3 designations, GL), reverse video, cursor shape,
// blink, colour and visibility, bracketed paste, focus events, mouse
// tracking and encoding, kitty keyboard flags (each screen's stack popped
// by its depth), modifyOtherKeys, application cursor keys and keypad, tab
// stops, and the SGR pen. The title is left as the remote set it, as ssh
// leaves it.
//
// Resetting the scroll region and origin mode homes the cursor, and
// leaving the alternate screen restores the cursor saved on entering it,
// so the cursor is placed last with an absolute CUP (DECRC could not be
// used: it would bring back the origin mode and charsets saved with it). A
// pending wrap becomes CR LF, where the next character would have gone.
// With freshLine, a cursor that is not at the start of a line goes on to
// the start of the next one (CR LF), so that what is printed next starts
// below the remote's output instead of after its prompt.
func (s *Screen) Leave(freshLine bool) []byte {
	s.lockSettled()
	defer s.mu.Unlock()
	out := []byte{0x18} // CAN: end any sequence the remote left half-sent
	x, y, pending := s.x, s.y, s.pending
	main := s.buf == &s.main
	if !main {
		out = popKitty(out, len(s.alt.kitty))
		out = append(out, "\x1b[?1049l"...)
		// 1049 saved the main screen's cursor on entry and restores it
		// on exit, as Screen does.
		x, y, pending = s.main.saved.x, s.main.saved.y, s.main.saved.pending
	}
	out = popKitty(out, len(s.main.kitty))
	if s.pen != (style{}) {
		out = append(out, "\x1b[0m"...)
	}
	m := s.modes
	if m.Insert {
		out = append(out, "\x1b[4l"...)
	}
	if m.NewLine {
		out = append(out, "\x1b[20l"...)
	}
	if !m.Autowrap {
		out = append(out, "\x1b[?7h"...)
	}
	if m.Origin {
		out = append(out, "\x1b[?6l"...)
	}
	if s.top != 0 || s.bottom != s.rows-1 {
		out = append(out, "\x1b[r"...)
	}
	for i, c := range s.charsets {
		if c != csASCII {
			out = append(out, 0x1b, "()*+"[i], 'B')
		}
	}
	if s.gl != 0 {
		out = append(out, 0x0f) // SI: G0 into GL
	}
	if m.ReverseVideo {
		out = append(out, "\x1b[?5l"...)
	}
	if m.CursorStyle != 0 {
		out = append(out, "\x1b[0 q"...)
	}
	if m.CursorBlink {
		out = append(out, "\x1b[?12l"...)
	}
	if s.cursorColor {
		out = append(out, "\x1b]112\x07"...)
	}
	if m.MouseTracking != 0 {
		out = resetMode(out, m.MouseTracking)
	}
	if m.MouseEncoding != 0 {
		out = resetMode(out, m.MouseEncoding)
	}
	if m.FocusEvents {
		out = resetMode(out, 1004)
	}
	if m.BracketedPaste {
		out = resetMode(out, 2004)
	}
	if m.ModifyOtherKeys != 0 {
		out = append(out, "\x1b[>4m"...) // back to the terminal's own setting
	}
	if m.AppCursorKeys {
		out = resetMode(out, 1)
	}
	if m.AppKeypad {
		out = append(out, "\x1b>"...)
	}
	if !defaultTabs(s.tabs) {
		// Clear all, then one every 8 columns, as tput init does.
		out = append(out, "\x1b[3g"...)
		for c := 0; c < len(s.tabs); c += 8 {
			out = append(out, "\x1b["...)
			out = strconv.AppendInt(out, int64(c+1), 10)
			out = append(out, "G\x1bH"...)
		}
	}
	if !m.CursorVisible {
		out = append(out, "\x1b[?25h"...)
	}
	out = append(out, "\x1b["...)
	out = strconv.AppendInt(out, int64(y+1), 10)
	out = append(out, ';')
	out = strconv.AppendInt(out, int64(x+1), 10)
	out = append(out, 'H')
	if pending || freshLine && x > 0 {
		out = append(out, "\r\n"...)
	}
	return out
}

// popKitty pops n entries of the active screen's kitty keyboard stack
// (popping all of them resets the flags).
func popKitty(out []byte, n int) []byte {
	if n == 0 {
		return out
	}
	out = append(out, "\x1b[<"...)
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, 'u')
}

func resetMode(out []byte, n int) []byte {
	out = append(out, "\x1b[?"...)
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, 'l')
}

// defaultTabs reports whether tabs are the power-on stops, every 8 columns.
func defaultTabs(tabs []bool) bool {
	for i, t := range tabs {
		if t != (i%8 == 0) {
			return false
		}
	}
	return true
}

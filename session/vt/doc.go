// Package vt is a terminal emulator for sessions that run in the
// background: it keeps the screen a remote program has drawn (cells with
// their attributes, cursor, modes, alternate screen, scrollback) so the
// dashboard can preview it and re-attaching can redraw it exactly. Wide
// characters (CJK) and emoji occupy two columns, as in real terminals.
//
// Feed the session's output to a Screen with Write (it is an io.Writer;
// sequences may be split anywhere). Read it back with:
//
//   - Render: bytes that redraw a real terminal as the remote left it
//     (main and alternate screen, cursor, SGR pen, modes), to write before
//     live output resumes on re-attach; RenderScrollback optionally
//     replays the history first;
//   - StyledLines: an exact-width, SGR-styled crop for a preview pane;
//   - Lines, Scrollback, Cursor, Title, AltScreen, Modes: plain state.
//
// A Screen is passive: it never answers queries (DSR, DA, DECRQM, ...),
// the real terminal attached later does. All methods are safe for
// concurrent use; one mutex per Screen guards all of its state.
//
// Storage is compact (8-byte cells, styles and graphemes interned per
// Screen) and bulk plain text is cheap: it is kept unemulated until the
// screen is read, and lines that could no longer be seen by then are
// dropped unseen (lazy.go). Every read sees exactly the state emulating
// every byte would give.
//
// Escape sequences are parsed by github.com/charmbracelet/x/ansi's Parser;
// text is decoded here (UTF-8 only, no 8-bit C1 controls) and segmented
// into grapheme clusters with the widths ansi.StringWidth uses, so previews
// line up in lipgloss layouts.
//
// Emulated, xterm-style: autowrap with pending wrap, insert mode, tab
// stops, scroll regions, origin mode, DECSC/DECRC, alternate screens
// (47/1047/1049), DEC special graphics and UK charsets (G0-G3, SO/SI),
// SGR (bold, faint, italic, underline styles and colour, blink, reverse,
// conceal, strike, overline; 16/256/truecolor in ; and : forms), REP,
// ICH/DCH/ECH/IL/DL/SU/SD, ED/EL (DECSED/DECSEL as ED/EL), DECALN, DECSTR,
// RIS, the title (OSC 0/2 and the CSI 22/23 t stack), and the input modes
// a program sets (cursor keys, keypad, mouse tracking and encoding, focus
// events, bracketed paste, kitty keyboard flags, modifyOtherKeys, cursor
// style). Not emulated: left/right margins (DECSLRM), double-width or
// double-height lines, selective erase protection, single shifts (SS2/SS3),
// colour palette changes (OSC 4/10/11), hyperlinks (OSC 8, dropped),
// images (sixel, kitty graphics: dropped) and reflow on resize.
package vt

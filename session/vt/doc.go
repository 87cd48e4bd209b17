// Package vt is a terminal emulator for sessions that run in the
// background: it keeps the screen a remote program has drawn (cells with
// their attributes, cursor, modes, alternate screen, scrollback) so the
// dashboard can preview it and re-attaching can redraw it exactly. Wide
// characters (CJK) and emoji occupy two columns, as in real terminals.
package vt

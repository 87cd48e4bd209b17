package ui

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/session"
)

// recMark is shown before the host of a session that is being recorded.
const recMark = "● REC "

// recCell is the host column's text: the alias, after a recording
// marker while the session is recorded (just "●" when the column is too
// narrow for both, so the alias stays readable).
func recCell(s session.Status, w int) string {
	if !s.Recording {
		return s.Alias
	}
	if ansi.StringWidth(recMark)+ansi.StringWidth(s.Alias) <= w {
		return recMark + s.Alias
	}
	return "●" + s.Alias
}

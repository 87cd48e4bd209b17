package main

import (
	"fmt"

	"github.com/sshdash/sshdash/ui"
)

// The dashboard's broadcast (b, B) goes through these: ui.Broadcaster on
// the session manager.
var _ ui.Broadcaster = (*backend)(nil)

// SendIfUp writes p to session id only if its link is up at this moment
// (session.Session.WriteIfUp): a refusal is a *session.NotUpError.
func (b *backend) SendIfUp(id int, p []byte) error {
	s := b.a.mgr.Get(id)
	if s == nil {
		return fmt.Errorf("session #%d: %w", id, ui.ErrSessionGone)
	}
	return s.WriteIfUp(p)
}

// ScreenText is session id's screen as plain text lines (nil when gone).
func (b *backend) ScreenText(id int) []string {
	if s := b.a.mgr.Get(id); s != nil {
		return s.ScreenText()
	}
	return nil
}

// Note adds text to session id's event log.
func (b *backend) Note(id int, text string) {
	if s := b.a.mgr.Get(id); s != nil {
		s.Note(text)
	}
}

package attach

import "github.com/sshdash/sshdash/session"

// noticeText is the session's notice (the previous shell was lost) as
// the bottom line shows it, or "" when there is none or the user has
// dismissed it. It is drawn over the remote's screen until a key is
// pressed: the new shell's tmux redraws the whole screen when it attaches,
// which would erase a line written into the output.
func (a *attached) noticeText(st session.Status) string {
	if st.Notice == "" || !st.NoticeAt.After(a.noticeOff) {
		return ""
	}
	return " sshdash: " + st.Notice + " (any key hides this) "
}

// dismissNotice hides a notice on the bottom line, when one is shown:
// the line is repainted from the session's screen (or the status bar).
func (a *attached) dismissNotice() {
	if !a.noticeShown {
		return
	}
	a.noticeShown = false
	a.noticeOff = a.s.Status().NoticeAt
	a.redraw()
}

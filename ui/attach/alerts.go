// Watcher alerts while attached: any session's alert reaches the terminal
// between the attached session's output writes.

package attach

import "github.com/sshdash/sshdash/watch"

// maxAlertSeqs bounds the terminal notifications waiting for a moment
// when the attached output is between escape sequences.
const maxAlertSeqs = 8

// cookedAlert puts an alert on a cooked terminal: its bell and
// notification, and its sentence as a line of its own (as cookedNews).
func cookedAlert(o Options, al watch.Alert) {
	var b []byte
	if o.AlertBytes != nil {
		b = o.AlertBytes(al)
	}
	b = append(b, "\nsshdash: ⚑ "+al.Message()+"\n"...)
	_, _ = o.Out.Write(b)
}

// takeAlert queues al's terminal notification (bell, OSC 9/777) and its
// sentence for the bottom line, and puts them out if it can now.
func (a *attached) takeAlert(al watch.Alert) {
	if a.o.AlertBytes != nil {
		if b := a.o.AlertBytes(al); len(b) > 0 && len(a.alertSeqs) < maxAlertSeqs {
			a.alertSeqs = append(a.alertSeqs, b)
		}
	}
	a.alertText = "⚑ " + al.Message() + " (any key hides this)"
	a.flushAlerts()
}

// flushAlerts writes the queued notifications through the session, so they
// never land inside the remote's escape sequences, and shows the latest
// alert on the bottom line (as a notice, for noticeFor or until a key)
// unless the bottom line is busy; what cannot go now is retried at the
// next tick.
func (a *attached) flushAlerts() {
	ow, ok := a.s.(OverlayWriter)
	if !ok {
		a.alertSeqs, a.alertText = nil, ""
		return
	}
	for len(a.alertSeqs) > 0 {
		if !ow.WriteOverlay(a.alertSeqs[0]) {
			return
		}
		a.alertSeqs = a.alertSeqs[1:]
	}
	if a.alertText == "" || a.view != nil || a.help || a.asking || a.banner || a.noticeWait {
		return
	}
	a.o.Notice = a.alertText
	a.showNotice()
	if !a.noticeEnd.IsZero() {
		a.alertText = ""
	}
}

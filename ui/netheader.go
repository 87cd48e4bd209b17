// The header's network verdict: when most hosts with an open link went
// silent together, the likely culprit is the local network, not the
// servers, and the header says so. Drop causes in the table and preview.

package ui

import (
	"fmt"
	"sort"
	"time"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// netHeaderHelp explains the header's verdict in the help screen.
const netHeaderHelp = `Header "3 of 3 hosts silent since 12:03:10": most hosts went quiet at once, so the local network is the likely cause, not the servers.`

// silenceWindow is how close together hosts must have gone silent to be
// read as one cause. After a network change or a resume every link is
// probed at once (netwatch), so their onsets fall within a second or two.
const silenceWindow = 5 * time.Second

// netSilence is the header's verdict on snapshot: e.g. "3 of 3 hosts
// silent since 12:03:10", and ok, when at least two hosts, and more than
// half of the hosts with an open link, have every open session stale,
// dropped or reconnecting, and went so within silenceWindow of each
// other. "since" is the latest
// last contact among them: after it, nothing came from any. Sessions
// that never came up, failed or closed are left out; hosts are told apart
// by target (else alias), so several sessions to one server count once.
func netSilence(snapshot []session.Status) (text string, ok bool) {
	type host struct {
		open, affected int
		onset, last    time.Time // latest onset and last contact among its sessions
	}
	hosts := map[string]*host{}
	for _, s := range snapshot {
		if !openLink(s) {
			continue
		}
		key := s.Target
		if key == "" {
			key = s.Alias
		}
		h := hosts[key]
		if h == nil {
			h = &host{}
			hosts[key] = h
		}
		h.open++
		if onset, silent := silentSince(s); silent {
			h.affected++
			if onset.After(h.onset) {
				h.onset = onset
			}
			if s.Heartbeat.LastContact.After(h.last) {
				h.last = s.Heartbeat.LastContact
			}
		}
	}
	var silent []*host
	for _, h := range hosts {
		if h.affected == h.open {
			silent = append(silent, h)
		}
	}
	// The largest group of silent hosts whose onsets lie within the window
	// of the first of them.
	sort.Slice(silent, func(i, j int) bool { return silent[i].onset.Before(silent[j].onset) })
	best, bestAt := 0, 0
	for i := range silent {
		n := 0
		for j := i; j < len(silent); j++ {
			if silent[j].onset.Sub(silent[i].onset) <= silenceWindow {
				n++
			}
		}
		if n > best {
			best, bestAt = n, i
		}
	}
	if best < 2 || 2*best <= len(hosts) {
		return "", false
	}
	var since time.Time
	for j := bestAt; j < len(silent); j++ {
		h := silent[j]
		if h.onset.Sub(silent[bestAt].onset) > silenceWindow {
			continue
		}
		at := h.last
		if at.IsZero() {
			at = h.onset
		}
		if at.After(since) {
			since = at
		}
	}
	return fmt.Sprintf("%d of %d hosts silent since %s", best, len(hosts), since.Format("15:04:05")), true
}

// openLink reports whether s has, or is getting back, a link that was up:
// the sessions the verdict is about.
func openLink(s session.Status) bool {
	switch s.State {
	case session.Up, session.Stale:
		return true
	case session.Dropped, session.Reconnecting:
		return !s.DownSince.IsZero()
	}
	return false
}

// silentSince reports whether an open session has gone silent, and since
// when it has shown so.
func silentSince(s session.Status) (time.Time, bool) {
	switch s.State {
	case session.Stale:
		return s.Since, true
	case session.Dropped, session.Reconnecting:
		return s.DownSince, true
	}
	return time.Time{}, false
}

// dropCauseText is the kind of the drop a session is down from, for the
// table and preview ("network changed", "silent link" …); "" while up or
// when only the error itself says it.
func dropCauseText(s session.Status) string {
	switch s.State {
	case session.Dropped, session.Reconnecting, session.Failed:
		if s.DropCause != session.CauseNone && s.DropCause != session.CauseOther {
			return s.DropCause.String()
		}
	}
	return ""
}

// netHeader is the header's verdict styled as a warning, with the space
// that separates it from the state counts; "" when there is none.
func netHeader(st *themes.Styles, snapshot []session.Status) string {
	text, ok := netSilence(snapshot)
	if !ok {
		return ""
	}
	return stateStyle(st, session.Stale).Render("⚠ "+text) + "  "
}

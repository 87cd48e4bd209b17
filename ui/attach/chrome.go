package attach

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/session"
)

// bottomLine returns the escape sequence that draws text across the
// terminal's last row in reverse video. With hideCursor the cursor is
// hidden (the link is down: nothing will echo); otherwise the caller
// restores it.
func bottomLine(cols, rows int, text string, hideCursor bool) string {
	line := ansi.Truncate(text, cols, "…")
	if pad := cols - ansi.StringWidth(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	var b strings.Builder
	if hideCursor {
		b.WriteString("\x1b[?25l")
	}
	fmt.Fprintf(&b, "\x1b[%d;1H\x1b[0;7m%s\x1b[0m", rows, line)
	return b.String()
}

// statusText is the status bar while the link is up.
func statusText(alias string, st session.Status, prefix byte) string {
	rtt := "rtt –"
	if r := st.Heartbeat.LastRTT; r > 0 {
		rtt = "rtt " + fmtRTT(r)
	}
	return fmt.Sprintf(" %s │ %s %s │ %s │ %s ? help ", alias, st.State.Icon(), st.State, rtt, keyName(prefix))
}

// bannerText is the bottom line while the link is down: what happened,
// that keys are not being sent, and when the next attempt is.
func bannerText(st session.Status, now time.Time, keysLost int, prefix byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, " %s %s", st.State.Icon(), st.State)
	if st.State == session.Reconnecting && st.Attempt > 0 {
		fmt.Fprintf(&b, " (attempt %d)", st.Attempt)
	}
	if !st.DownSince.IsZero() {
		fmt.Fprintf(&b, " — link down %s", now.Sub(st.DownSince).Truncate(time.Second))
	}
	if st.Cause != nil && st.State != session.Up {
		fmt.Fprintf(&b, ": %v", st.Cause)
	}
	if !st.NextAttempt.IsZero() {
		if d := st.NextAttempt.Sub(now); d > 0 {
			fmt.Fprintf(&b, " — next try in %ds", int(d.Round(time.Second)/time.Second))
		} else {
			b.WriteString(" — trying now")
		}
	}
	if keysLost > 0 {
		b.WriteString(" — keys typed now are not sent")
	}
	if !st.State.Terminal() {
		fmt.Fprintf(&b, " — %s r: retry now, %s d: detach ", keyName(prefix), keyName(prefix))
	}
	return b.String()
}

func fmtRTT(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// helpOverlay draws the prefix commands in a box in the middle of the screen.
func helpOverlay(cols, rows int, prefix byte) string {
	p := keyName(prefix)
	lines := []string{
		" sshdash — keys after " + p + " ",
		"",
		"  d      detach to the dashboard",
		"  n / p  next / previous session",
		"  1–9    jump to session N",
		"  r      reconnect now",
		"  .      close this session",
		"  [      scrollback (q to leave)",
		fmt.Sprintf("  %-6s send %s itself", p, p),
		"  ?      this help",
		"",
		" any key to return ",
	}
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	w += 2
	top := max(1, (rows-len(lines))/2)
	left := max(1, (cols-w)/2+1)
	var b strings.Builder
	b.WriteString("\x1b[?25l")
	for i, l := range lines {
		pad := w - ansi.StringWidth(l)
		fmt.Fprintf(&b, "\x1b[%d;%dH\x1b[0;7m %s%s\x1b[0m", top+i, left, l, strings.Repeat(" ", max(0, pad-1)))
	}
	return b.String()
}

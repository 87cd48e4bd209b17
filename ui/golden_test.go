package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/sshdash/sshdash/session"
)

// Golden views: the fixed clock, the demo backend and a fixed spinner frame
// make them stable. Plain goldens hold the text (layout); the styled one
// also locks the dark theme's colours. Update with: go test ./ui -run
// TestGolden -update

func goldenView(t *testing.T, d *driver) string {
	t.Helper()
	d.m.sessions.spin = "⠋"
	return d.m.render()
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		w, h  int
		setup func(d *driver)
	}{
		{"hosts_80x24", 80, 24, nil},
		{"sessions_80x24", 80, 24, func(d *driver) { d.keys("tab") }},
		{"wide_160x48", 160, 48, nil},
		{"wide_sessions_160x48", 160, 48, func(d *driver) { d.keys("tab", "j", "j") }},
		{"filter_80x24", 80, 24, func(d *driver) { d.keys("/", "web") }},
		{"marked_80x24", 80, 24, func(d *driver) { d.keys("space", "j", "space") }},
		{"log_80x24", 80, 24, func(d *driver) { d.keys("tab", "l") }},
		{"settings_80x24", 80, 24, func(d *driver) { d.keys("j", "j", "e") }},
		{"settings_40x12", 40, 12, func(d *driver) { d.keys("j", "j", "e") }},
		{"help_40x12", 40, 12, func(d *driver) { d.keys("?") }},
		{"help_80x24", 80, 24, func(d *driver) { d.keys("?") }},
		{"help_160x48", 160, 48, func(d *driver) { d.keys("?") }},
		{"quit_160x48", 160, 48, func(d *driver) { d.keys("q") }},
		{"hostkey_80x24", 80, 24, func(d *driver) {
			p := session.NewPrompt(session.PromptHostKey, "web1", "The authenticity of host web1.example.com can't be established.")
			p.KeyType, p.Fingerprint = "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
			d.send(session.PromptRequested{ID: 7, Prompt: p})
		}},
		{"password_160x48", 160, 48, func(d *driver) {
			p := session.NewPrompt(session.PromptPassword, "db-primary", "postgres@10.0.4.12's password:")
			d.send(session.PromptRequested{ID: 2, Prompt: p})
			d.keys("correct horse")
		}},
		// A changed host key: OpenSSH's warning, the fingerprints and
		// the known_hosts line in the preview; "reconnecting #12
		// handshake" whole in the state column at 120 columns.
		{"failed_hostkey_120x40", 120, 40, failedHostKeySetup},
		{"errors_80x24", 80, 24, func(d *driver) {
			d.m.configErrors = []string{`~/.ssh/config:12: unknown keyword "Hostnme"`}
			d.keys("!")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDriver(t, newDemoBackend(), c.w, c.h)
			if c.setup != nil {
				c.setup(d)
			}
			golden.RequireEqual(t, ansi.Strip(goldenView(t, d))+"\n")
		})
	}
	t.Run("empty_80x24", func(t *testing.T) {
		d := newDriver(t, newFakeBackend(fixedClock()), 80, 24)
		golden.RequireEqual(t, ansi.Strip(goldenView(t, d))+"\n")
	})
	t.Run("styled_dark_80x24", func(t *testing.T) {
		d := newDriver(t, newDemoBackend(), 80, 24)
		d.keys("tab")
		golden.RequireEqual(t, goldenView(t, d)+"\n")
	})
	t.Run("styled_nocolor_80x24", func(t *testing.T) {
		f := newDemoBackend()
		f.events = nil
		d := &driver{t: t, m: New(Options{Backend: f, ThemeName: "dark", NoColor: true, Now: fixedClock()})}
		d.stopTimers()
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		d.keys("tab")
		golden.RequireEqual(t, goldenView(t, d)+"\n")
	})
}

// failedHostKeySetup fails session 6 (pi) on a changed host key, puts
// session 3 at reconnect attempt 12 in the handshake, and selects pi in
// the sessions pane.
func failedHostKeySetup(d *driver) {
	f := d.m.backend.(*fakeBackend)
	cause := &session.DialError{Host: "pi", Err: &session.HostKeyChangedError{
		Host: "raspberrypi.local", File: "/home/me/.ssh/known_hosts", Line: 17, KeyType: "ssh-ed25519",
		Fingerprint:      "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
		KnownFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
	}}
	f.update(3, func(s *session.Status) {
		s.Attempt, s.NextAttempt, s.Stage = 12, time.Time{}, session.StageHandshake
	})
	d.send(f.setState(6, session.Failed, cause))
	d.keys("tab", "j", "j", "j", "j", "j")
}

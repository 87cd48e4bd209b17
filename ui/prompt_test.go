package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// waitAnswer returns a prompt's answer, failing if none comes.
func waitAnswer(t *testing.T, p *session.Prompt) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return p.Wait(ctx)
}

// A second password question says why, as ssh does; the server's banner
// is shown above the question, its control characters made visible.
func TestPromptShowsNoticeAndBanner(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 30)
	p := session.NewPrompt(session.PromptPassword, "web1", "", session.Question{Text: "deploy@web1's password:"})
	p.Notice = "Permission denied, please try again."
	p.Banner = session.VisBanner("Authorized use only.\r\n\x1b]0;owned\x07All activity is logged.\n")
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.mustSee("Permission denied, please try again.", "deploy@web1's password:", "Authorized use only.", `\033]0;owned\007All activity is logged.`)
	d.mustNotSee("Password:\n") // one question only
	d.keys("pw")
	d.keys("enter")
	if ans, err := waitAnswer(t, p); err != nil || !slices.Equal(ans, []string{"pw"}) {
		t.Fatalf("answers %v, %v", ans, err)
	}
}

// A very long banner is cut to a few lines in the dialog.
func TestPromptBannerIsBounded(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 40)
	p := session.NewPrompt(session.PromptPassword, "web1", "", session.Question{Text: "deploy@web1's password:"})
	for i := 0; i < 500; i++ {
		p.Banner += "legal line\n"
	}
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.mustSee("the whole banner is in the event log", "deploy@web1's password:")
	p.Cancel()
}

// Pasting the offered key's fingerprint at the host key question trusts
// the key, as typing it at ssh's question does; other pasted text is no
// answer and says so.
func TestHostKeyPasteFingerprint(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 30)
	p := session.NewPrompt(session.PromptHostKey, "web1", "The authenticity of host web1 can't be established.")
	p.KeyType, p.Fingerprint = "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.send(tea.PasteMsg{Content: "SHA256:AAAAg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"})
	d.mustSee("not this key's fingerprint", "Unknown host key")
	d.send(tea.PasteMsg{Content: " SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8\n"})
	if ans, err := waitAnswer(t, p); err != nil || !slices.Equal(ans, []string{"yes"}) {
		t.Fatalf("answers %v, %v", ans, err)
	}
	if d.m.prompts.active() {
		t.Fatal("the prompt is still shown after the fingerprint was pasted")
	}
}

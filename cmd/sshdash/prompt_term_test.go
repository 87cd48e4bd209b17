package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
)

func hostKeyPrompt() *session.Prompt {
	p := session.NewPrompt(session.PromptHostKey, "web1", "The authenticity of host web1 (10.0.0.1) can't be established. ED25519 key fingerprint is SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8. Answering yes adds it to /home/u/.ssh/known_hosts.")
	p.KeyType, p.Fingerprint = "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
	return p
}

func answerOf(t *testing.T, p *session.Prompt) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return p.Wait(ctx)
}

// The terminal host key question is ssh's, word for word: the fingerprint
// once, "y" asks again, the pasted fingerprint is yes.
func TestAnswerHostKeyInTerminal(t *testing.T) {
	for _, c := range []struct {
		typed   string
		want    []string
		retries int
	}{
		{"y\nSHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8\n", []string{"yes"}, 1},
		{"yes\n", []string{"yes"}, 0},
		{"n\nnah\nNO\n", []string{"no"}, 2},
		{"\n", []string{"no"}, 0},
		{"SHA256:wrong\r\nyes\r\n", []string{"yes"}, 1},
	} {
		p := hostKeyPrompt()
		var out strings.Builder
		answerHostKey(p, &out, strings.NewReader(c.typed))
		ans, err := answerOf(t, p)
		if err != nil || !slices.Equal(ans, c.want) {
			t.Errorf("%q: answer %v, %v; want %v", c.typed, ans, err, c.want)
		}
		s := out.String()
		if n := strings.Count(s, p.Fingerprint); n != 1 {
			t.Errorf("%q: fingerprint shown %d times:\n%s", c.typed, n, s)
		}
		if n := strings.Count(s, session.HostKeyRetry); n != c.retries {
			t.Errorf("%q: asked again %d times, want %d:\n%s", c.typed, n, c.retries, s)
		}
		if !strings.HasPrefix(s, "The authenticity of host web1 (10.0.0.1) can't be established.\nED25519 key fingerprint is SHA256:") ||
			!strings.Contains(s, "\nAre you sure you want to continue connecting (yes/no/[fingerprint])? ") {
			t.Errorf("%q: not ssh's wording:\n%s", c.typed, s)
		}
	}
	// End of input without an answer: the prompt is cancelled (no).
	p := hostKeyPrompt()
	answerHostKey(p, &strings.Builder{}, strings.NewReader("y\n"))
	if _, err := answerOf(t, p); err == nil {
		t.Error("EOF after y: answered, want cancelled")
	}
}

func TestPrintBanner(t *testing.T) {
	var b strings.Builder
	printBanner(&b, "  \n")
	printBanner(&b, "Authorized use only.")
	printBanner(&b, "Second\n")
	if b.String() != "Authorized use only.\nSecond\n" {
		t.Errorf("banners printed as %q", b.String())
	}
	if questionText("x's password:") != "x's password: " || questionText("Code: ") != "Code: " {
		t.Error("questionText does not end a question with exactly one space")
	}
}

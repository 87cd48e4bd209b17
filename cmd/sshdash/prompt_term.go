package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/sshdash/sshdash/session"
)

// answerInTerminal asks a prompt on the terminal the way ssh does: the
// server's banner first, then one line per question ("user@host's
// password: " and nothing more), secrets read without echo and without
// showing their length. A host key question is asked again until the
// answer is yes, no or the key's fingerprint.
func answerInTerminal(p *session.Prompt, e *env, in *os.File) {
	printBanner(e.stderr, p.Banner)
	if p.Notice != "" {
		fmt.Fprintln(e.stderr, p.Notice)
	}
	if p.Kind == session.PromptHostKey {
		answerHostKey(p, e.stderr, in)
		return
	}
	if p.Title != "" {
		fmt.Fprintln(e.stderr, p.Title)
	}
	if p.Instruction != "" {
		fmt.Fprintln(e.stderr, p.Instruction)
	}
	answers := make([]string, 0, len(p.Questions))
	for _, q := range p.Questions {
		fmt.Fprint(e.stderr, questionText(q.Text))
		var ans string
		if q.Echo {
			line, err := readLine(in)
			if err != nil {
				p.Cancel()
				return
			}
			ans = line
		} else {
			b, err := term.ReadPassword(int(in.Fd()))
			fmt.Fprintln(e.stderr)
			if err != nil {
				p.Cancel()
				return
			}
			ans = string(b)
		}
		answers = append(answers, ans)
	}
	p.Answer(answers)
}

// questionText is a question as a terminal prompt: followed by one space.
func questionText(s string) string {
	if s == "" || strings.HasSuffix(s, " ") {
		return s
	}
	return s + " "
}

// hostKeyQuestion is ssh's question for an unknown host key.
const hostKeyQuestion = "Are you sure you want to continue connecting (yes/no/[fingerprint])? "

// answerHostKey asks the host key question: the explanation one sentence
// a line with the fingerprint once, then the question until the answer is
// understood (ssh's confirm()). End of input means no.
func answerHostKey(p *session.Prompt, w io.Writer, in io.Reader) {
	for _, line := range hostKeyLines(p) {
		fmt.Fprintln(w, line)
	}
	fmt.Fprint(w, hostKeyQuestion)
	for {
		line, err := readLine(in)
		if err != nil && line == "" {
			fmt.Fprintln(w)
			p.Cancel()
			return
		}
		if ans, ok := p.HostKeyReply(line); ok {
			p.Answer([]string{ans})
			return
		}
		if err != nil {
			p.Cancel()
			return
		}
		fmt.Fprint(w, session.HostKeyRetry)
	}
}

// hostKeyLines splits the prompt's explanation into ssh-like lines, adding
// the key's fingerprint when the explanation does not already give it.
func hostKeyLines(p *session.Prompt) []string {
	var lines []string
	for _, s := range strings.SplitAfter(p.Title, ". ") {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	if p.Fingerprint != "" && !strings.Contains(p.Title, p.Fingerprint) {
		lines = append(lines, fmt.Sprintf("%s key fingerprint is %s.", p.KeyType, p.Fingerprint))
	}
	return lines
}

// printBanner prints a server banner (already made safe by the session
// layer) as ssh does: as it is, ending with a newline.
func printBanner(w io.Writer, banner string) {
	if strings.TrimSpace(banner) == "" {
		return
	}
	fmt.Fprint(w, banner)
	if !strings.HasSuffix(banner, "\n") {
		fmt.Fprintln(w)
	}
}

// bannersUntilUp makes the session's connection attempts print the
// server's banner on w until stop is called (when the terminal is handed
// to the session: a banner of a later reconnect goes to the event log
// instead of into the attached screen).
func bannersUntilUp(opts *session.Options, w io.Writer) (stop func()) {
	var off atomic.Bool
	dial := opts.Dial
	opts.Dial = func(ctx context.Context, h session.DialHooks) (*ssh.Client, func() error, error) {
		if !off.Load() {
			h.Banner = func(b string) {
				if !off.Load() {
					printBanner(w, b)
				}
			}
		}
		return dial(ctx, h)
	}
	return func() { off.Store(true) }
}

// readLine reads one line byte by byte, so nothing typed after it is
// swallowed by a buffer before attaching.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimRight(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			return b.String(), err
		}
	}
}

package session

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

// PromptKind says what a Prompt asks for.
type PromptKind int

// Prompt kinds.
const (
	// PromptHostKey asks whether to trust an unknown host key (yes/no).
	PromptHostKey PromptKind = iota
	// PromptPassphrase asks for the passphrase of an encrypted key.
	PromptPassphrase
	// PromptPassword asks for a password.
	PromptPassword
	// PromptKeyboardInteractive asks the server's keyboard-interactive questions.
	PromptKeyboardInteractive
)

// Question is one question of a prompt.
type Question struct {
	Text string
	Echo bool // false: input must be masked and never logged
}

// Prompt is a question from a session to the user. It is answered once;
// later answers are ignored.
type Prompt struct {
	Kind        PromptKind
	Host        string // alias of the session's host
	Title       string // a sentence explaining what is asked and why
	Instruction string // keyboard-interactive instruction, if any
	Questions   []Question
	KeyType     string // PromptHostKey: e.g. "ssh-ed25519"
	Fingerprint string // PromptHostKey: SHA256:…
	// Notice is a line shown before the questions, as ssh prints it: for a
	// retry, "Permission denied, please try again."
	Notice string
	// Banner is the server's pre-authentication banner (legal notices),
	// made safe to print (see VisBanner), when it arrived during this
	// handshake and was not shown otherwise. ssh prints it before asking.
	Banner string

	once    sync.Once
	reply   chan promptReply
	settled atomic.Bool // answered, cancelled, or no longer waited for
}

type promptReply struct {
	answers []string
	err     error
}

// ErrPromptCancelled is returned to the asking session when the user
// dismisses a prompt.
var ErrPromptCancelled = errors.New("cancelled by the user")

// NewPrompt prepares a prompt that can be answered exactly once.
func NewPrompt(kind PromptKind, host, title string, questions ...Question) *Prompt {
	return &Prompt{Kind: kind, Host: host, Title: title, Questions: questions, reply: make(chan promptReply, 1)}
}

// Answer supplies the answers, one per question (for a host key prompt a
// single "yes" or "no").
func (p *Prompt) Answer(answers []string) {
	p.once.Do(func() { p.settled.Store(true); p.reply <- promptReply{answers: answers} })
}

// HostKeyReply interprets a typed answer to a host key prompt as ssh does:
// "yes" (any case) or the offered key's fingerprint pasted in full means
// yes; "no" (any case) or an empty line means no. Anything else (such as
// "y") is not an answer: ok is false and the question is asked again
// ("Please type 'yes', 'no' or the fingerprint: "). The answer is what
// Answer expects: "yes" or "no".
func (p *Prompt) HostKeyReply(line string) (answer string, ok bool) {
	s := strings.TrimSpace(line)
	switch {
	case s == "" || strings.EqualFold(s, "no"):
		return "no", true
	case strings.EqualFold(s, "yes") || (p.Fingerprint != "" && s == p.Fingerprint):
		return "yes", true
	}
	return "", false
}

// HostKeyRetry is what ssh asks when a host key answer was not understood.
const HostKeyRetry = "Please type 'yes', 'no' or the fingerprint: "

// Cancel dismisses the prompt.
func (p *Prompt) Cancel() {
	p.once.Do(func() { p.settled.Store(true); p.reply <- promptReply{err: ErrPromptCancelled} })
}

// Wait blocks until the prompt is answered or ctx ends.
func (p *Prompt) Wait(ctx context.Context) ([]string, error) {
	defer p.settled.Store(true) // nobody waits for an answer any more
	select {
	case r := <-p.reply:
		return r.answers, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// isSettled reports whether the prompt no longer needs an answer: it was
// answered or cancelled, or the session stopped waiting for it.
func (p *Prompt) isSettled() bool { return p.settled.Load() }

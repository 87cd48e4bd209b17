package session

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// authPlan picks authentication methods in ssh's order for one handshake
// (it is the ssh.ClientConfig's AuthCallback): PreferredAuthentications
// order, skipping methods the server does not accept or that are turned
// off; within publickey, agent keys then identity files (with their
// certificates first); password and keyboard-interactive up to
// NumberOfPasswordPrompts times. It asks the user through the prompter
// and never when BatchMode is on.
//
// x/crypto calls it, and the signers and callbacks it hands out, from the
// goroutine running the handshake only, so it needs no lock.
type authPlan struct {
	t        Target
	d        *dialer
	pr       *prompter
	rec      *recordingConn
	secrets  *Secrets
	cacheKey string   // key of this user@host:port in Secrets
	order    []string // methods to try, in order
	idx      int      // current position in order

	keysLoaded bool
	keys       []keyCandidate
	keyIdx     int
	agentConn  net.Conn // open during the handshake when an agent is used

	pwTries, kbdTries int
	kbdPasswords      int // password-like keyboard-interactive rounds asked
	maxTries          int
	usedCached        bool            // the attempt in flight uses a cached password
	triedCached       bool            // the cached password was tried already
	pending           string          // password/answer to cache if the attempt in flight succeeds
	stopped           map[string]bool // methods given up on (nothing to offer, cancelled)
	partials          int             // partial successes seen
	current           string          // what the attempt in flight offers, for the log

	calls   int      // AuthCallback invocations
	tried   []string // methods tried
	allowed []string // methods the server accepts, as last reported
	notes   []string // why keys or methods could not be used
}

func newAuthPlan(t Target, d *dialer, pr *prompter, rec *recordingConn) *authPlan {
	return &authPlan{
		t: t, d: d, pr: pr, rec: rec,
		secrets:  d.opts.Secrets,
		cacheKey: t.User + "@" + net.JoinHostPort(t.hostName(), strconv.Itoa(t.port())),
		order:    authOrder(t),
		maxTries: passwordPrompts(t),
		stopped:  map[string]bool{},
	}
}

// authOrder returns the methods to try: PreferredAuthentications (or
// ssh's default order) restricted to the ones sshdash implements and the
// Target enables.
func authOrder(t Target) []string {
	pref := defaultPreferredAuthentications()
	if len(t.PreferredAuthentications) > 0 {
		pref = strings.Split(strings.Join(t.PreferredAuthentications, ","), ",")
	}
	var out []string
	for _, m := range pref {
		m = strings.TrimSpace(m)
		ok := false
		switch m {
		case "publickey":
			ok = t.PubkeyAuthentication
		case "keyboard-interactive":
			ok = t.KbdInteractiveAuthentication
		case "password":
			ok = t.PasswordAuthentication
		}
		if ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// passwordPrompts is NumberOfPasswordPrompts, 3 when unset.
func passwordPrompts(t Target) int {
	if t.NumberOfPasswordPrompts < 1 {
		return 3
	}
	return t.NumberOfPasswordPrompts
}

// started reports whether any authentication method was attempted beyond
// "none".
func (p *authPlan) started() bool { return p.calls > 0 }

// note records why something could not be used and logs it.
func (p *authPlan) note(s string) {
	p.notes = append(p.notes, s)
	p.d.log(s)
}

// refused builds the AuthError for a server that accepted nothing.
func (p *authPlan) refused(extra string) *AuthError {
	notes := slices.Clone(p.notes)
	if extra != "" {
		notes = append(notes, extra)
	}
	return &AuthError{User: p.t.User, Host: p.t.name(), Tried: slices.Clone(p.tried), Allowed: slices.Clone(p.allowed), Notes: notes}
}

// next is the ssh.ClientAuthCallback: it returns the next method to try,
// or an *AuthError when nothing is left.
func (p *authPlan) next(ac *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	p.calls++
	if err := p.rec.failure(); err != nil {
		return nil, fmt.Errorf("connection lost during authentication: %w", err)
	}
	if n := len(ac.PartialSuccessMethods); n > p.partials {
		p.partials = n
		p.commit()
	} else {
		p.discard()
	}
	p.allowed = ac.AllowedMethods
	for p.idx < len(p.order) {
		m := p.order[p.idx]
		if !slices.Contains(ac.AllowedMethods, m) || p.stopped[m] {
			p.idx++
			continue
		}
		var am ssh.AuthMethod
		switch m {
		case "publickey":
			am = p.nextKey()
		case "keyboard-interactive":
			am = p.nextKeyboardInteractive()
		case "password":
			am = p.nextPassword()
		}
		if am != nil {
			p.tried = append(p.tried, m)
			return am, nil
		}
		p.idx++
	}
	return nil, p.refused("")
}

// commit caches the secret of an attempt that (partially) succeeded.
func (p *authPlan) commit() {
	if p.pending != "" {
		p.secrets.putPassword(p.cacheKey, p.pending)
	}
	p.pending, p.usedCached = "", false
}

// discard drops the secret of an attempt that failed; a cached password
// that failed is forgotten.
func (p *authPlan) discard() {
	if p.usedCached {
		p.secrets.forgetPassword(p.cacheKey)
	}
	p.pending, p.usedCached = "", false
}

// succeeded is called once authentication is complete.
func (p *authPlan) succeeded() {
	p.commit()
	if p.current != "" {
		p.d.log(fmt.Sprintf("authenticated to %s as %s with %s", p.t.name(), p.t.User, p.current))
	}
}

// close releases the agent connection and everything else the plan
// holds, once the handshake has returned. x/crypto keeps the
// connection's config, and with it this plan (its AuthCallback), for as
// long as the connection lives, but authenticates only during the
// handshake; without this each open session kept its identity files
// (private keys, decrypted signers) and a password typed for it.
func (p *authPlan) close() {
	if p.agentConn != nil {
		p.agentConn.Close()
	}
	*p = authPlan{}
}

// nextKey returns a publickey method for the next key candidate.
func (p *authPlan) nextKey() ssh.AuthMethod {
	if !p.keysLoaded {
		p.loadKeys()
	}
	if p.keyIdx >= len(p.keys) {
		return nil
	}
	k := p.keys[p.keyIdx]
	p.keyIdx++
	p.current = "public key " + k.desc
	return ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		s, err := k.get()
		if err != nil {
			return nil, err
		}
		return []ssh.Signer{s}, nil
	})
}

// canAnswer reports whether a password-like secret can be supplied: from
// the cache or by asking.
func (p *authPlan) canAnswer() bool {
	if _, ok := p.secrets.password(p.cacheKey); ok && !p.triedCached {
		return true
	}
	return p.pr.can()
}

// cannotAsk notes that method needs an answer nobody can give.
func (p *authPlan) cannotAsk(method string) {
	p.stopped[method] = true
	why := "no prompt is available"
	if p.pr.batch {
		why = "BatchMode is on"
	}
	p.note(fmt.Sprintf("%s authentication skipped: it needs a password and %s", method, why))
}

// nextPassword returns a password method, up to maxTries attempts.
func (p *authPlan) nextPassword() ssh.AuthMethod {
	if !p.canAnswer() {
		p.cannotAsk("password")
		return nil
	}
	if p.pwTries >= p.maxTries {
		return nil
	}
	p.current = "a password"
	return ssh.PasswordCallback(func() (string, error) {
		if pw, ok := p.secrets.password(p.cacheKey); ok && !p.triedCached {
			p.triedCached, p.usedCached = true, true
			return pw, nil
		}
		p.pwTries++
		// One line, as ssh asks: "user@host's password: ".
		pr := NewPrompt(PromptPassword, p.t.name(), "", Question{Text: fmt.Sprintf("%s@%s's password:", p.t.User, p.t.hostName()), Echo: false})
		if p.pwTries > 1 {
			pr.Notice = permissionDenied
		}
		answers, err := p.pr.ask(pr)
		if err != nil || len(answers) != 1 {
			p.stopped["password"] = true
			p.note(fmt.Sprintf("password authentication: no password given (%v)", promptErr(err)))
			return "", errors.New("no password given")
		}
		p.pending = answers[0]
		return answers[0], nil
	})
}

// nextKeyboardInteractive returns a keyboard-interactive method, up to
// maxTries attempts.
func (p *authPlan) nextKeyboardInteractive() ssh.AuthMethod {
	if !p.canAnswer() {
		p.cannotAsk("keyboard-interactive")
		return nil
	}
	if p.kbdTries >= p.maxTries {
		return nil
	}
	p.kbdTries++
	p.current = "keyboard-interactive"
	return ssh.KeyboardInteractive(p.challenge)
}

// challenge answers one keyboard-interactive round. A lone hidden
// "Password:" question is answered from (and saved to) the password cache,
// as it is the account password under PAM; anything else is asked.
func (p *authPlan) challenge(name, instruction string, questions []string, echos []bool) ([]string, error) {
	if len(questions) == 0 {
		if msg := strings.TrimSpace(sanitize(name + " " + instruction)); msg != "" {
			p.d.log(fmt.Sprintf("%s: %s", p.t.name(), msg))
		}
		return []string{}, nil
	}
	passwordLike := len(questions) == 1 && len(echos) == 1 && !echos[0] && strings.Contains(strings.ToLower(questions[0]), "password")
	if passwordLike {
		if pw, ok := p.secrets.password(p.cacheKey); ok && !p.triedCached {
			p.triedCached, p.usedCached = true, true
			return []string{pw}, nil
		}
	}
	if !p.pr.can() {
		p.cannotAsk("keyboard-interactive")
		return nil, errors.New("cannot ask")
	}
	// Each question says whose account it is for, as ssh does:
	// "(user@host) Password: ".
	title := strings.TrimSpace(sanitize(name))
	qs := make([]Question, len(questions))
	for i, q := range questions {
		text := fmt.Sprintf("(%s@%s) %s", p.t.User, p.t.hostName(), sanitize(q))
		qs[i] = Question{Text: text, Echo: i < len(echos) && echos[i]}
	}
	pr := NewPrompt(PromptKeyboardInteractive, p.t.name(), title, qs...)
	pr.Instruction = strings.TrimSpace(sanitize(instruction))
	if passwordLike {
		// A password round after one already answered means the server
		// refused that password.
		if p.kbdPasswords > 0 {
			pr.Notice = permissionDenied
		}
		p.kbdPasswords++
	}
	answers, err := p.pr.ask(pr)
	if err != nil || len(answers) != len(questions) {
		p.stopped["keyboard-interactive"] = true
		p.note(fmt.Sprintf("keyboard-interactive authentication: not answered (%v)", promptErr(err)))
		return nil, errors.New("not answered")
	}
	if passwordLike {
		p.pending = answers[0]
	}
	return answers, nil
}

// permissionDenied is what ssh prints before asking a password again.
const permissionDenied = "Permission denied, please try again."

// promptErr describes why a prompt gave no usable answer.
func promptErr(err error) string {
	if err == nil {
		return "wrong number of answers"
	}
	return err.Error()
}

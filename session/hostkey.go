package session

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// hostKeyChecker verifies a server's host key against known_hosts for one
// connection, applying StrictHostKeyChecking, and appends accepted new
// keys. It is the connection's ssh.HostKeyCallback; on re-keys it only
// checks that the key is the one accepted first.
type hostKeyChecker struct {
	name      string    // lookup name: host, [host]:port or HostKeyAlias
	principal string    // name a host certificate must be issued for
	display   string    // how the host is named in prompts
	policy    string    // normalized StrictHostKeyChecking
	addTo     string    // first UserKnownHostsFile, "" if none
	hash      bool      // HashKnownHosts
	known     []khEntry // entries matching name, all markers
	// portName and portless are the port-less name and its entries, for
	// a host on a port other than 22 without HostKeyAlias: ssh accepts a
	// key known only under the plain host name (sshconnect.c, "checking
	// without port identifier"). portless is nil when there is no fallback.
	portName    string
	portless    []khEntry
	all         []khEntry    // every entry of every file, for "known by other names"
	revokedKeys *revocations // RevokedHostKeys; nil: none
	prompt      *prompter
	log         func(string)
	onStage     func(Stage) // called with StageHostKey and, once accepted, StageAuth; may be nil

	// mu guards accepted, and the clearing of the fields above once it
	// is set (they are read only before: by verify, on the handshake's
	// goroutine).
	mu       sync.Mutex
	accepted ssh.PublicKey // key accepted at the first key exchange
}

// newHostKeyChecker loads the known_hosts files for t. Problems reading
// them are logged, not fatal (as ssh). An unusable StrictHostKeyChecking
// value is a *ConfigError.
func newHostKeyChecker(t Target, ex pathExpander, p *prompter, log func(string), onStage func(Stage)) (*hostKeyChecker, error) {
	policy, err := normalizeStrict(t.StrictHostKeyChecking)
	if err != nil {
		return nil, err
	}
	user := ex.expandAll(t.UserKnownHostsFiles)
	global := ex.expandAll(t.GlobalKnownHostsFiles)
	db := loadKnownHosts(append(append([]string{}, user...), global...))
	for _, pr := range db.problems {
		log(pr)
	}
	c := &hostKeyChecker{
		name:      knownHostsName(t.hostName(), t.port(), t.HostKeyAlias),
		principal: strings.ToLower(t.hostName()),
		display:   t.name(),
		policy:    policy,
		hash:      t.HashKnownHosts,
		prompt:    p,
		log:       log,
		onStage:   onStage,
	}
	if t.HostKeyAlias != "" {
		c.principal = strings.ToLower(t.HostKeyAlias)
	}
	if len(user) > 0 {
		c.addTo = user[0]
	}
	if v := strings.TrimSpace(t.RevokedHostKeys); v != "" && !strings.EqualFold(v, "none") {
		// As in ssh, a list that cannot be read refuses every host key.
		rv, err := loadRevocations(ex.expand(v))
		if err != nil {
			return nil, &ConfigError{Setting: "RevokedHostKeys", Value: v, Err: err}
		}
		c.revokedKeys = rv
	}
	c.known = db.lookup(c.name)
	c.all = db.entries
	if t.HostKeyAlias == "" && t.port() != 0 && t.port() != 22 {
		c.portName = knownHostsName(t.hostName(), 22, "")
		c.portless = db.lookup(c.portName)
	}
	return c, nil
}

// normalizeStrict maps StrictHostKeyChecking to yes, accept-new, ask or no.
func normalizeStrict(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "ask":
		return "ask", nil
	case "yes", "true":
		return "yes", nil
	case "accept-new":
		return "accept-new", nil
	case "no", "off", "false":
		return "no", nil
	}
	return "", &ConfigError{Setting: "StrictHostKeyChecking", Value: v, Err: errors.New("want yes, accept-new, ask, no or off")}
}

// check is the ssh.HostKeyCallback. The hostname argument is ignored: the
// checker looks the host up by the name ssh would use.
func (c *hostKeyChecker) check(_ string, _ net.Addr, key ssh.PublicKey) error {
	c.mu.Lock()
	prev := c.accepted
	c.mu.Unlock()
	if prev != nil {
		if bytes.Equal(prev.Marshal(), key.Marshal()) {
			return nil
		}
		return fmt.Errorf("server %s presented a different host key during re-key (%s %s)", c.name, key.Type(), ssh.FingerprintSHA256(key))
	}
	if c.onStage != nil {
		c.onStage(StageHostKey)
	}
	if err := c.verify(key); err != nil {
		return err
	}
	c.mu.Lock()
	c.accepted = key
	// From now on only accepted is consulted (a re-key must present the
	// same key, as in OpenSSH's kex_verify_host_key). The parsed
	// known_hosts files would otherwise stay alive with the connection,
	// which keeps this callback for its re-keys: with a user's known_hosts
	// of a few hundred lines, tens of KiB for each open session. So would
	// the prompter and the dialer behind log.
	c.known, c.portless, c.all, c.revokedKeys = nil, nil, nil, nil
	c.prompt, c.log = nil, nil
	onStage := c.onStage
	c.onStage = nil
	c.mu.Unlock()
	if onStage != nil {
		onStage(StageAuth)
	}
	return nil
}

// unknown decides about a key for which known_hosts has no entry at all
// (keys of other types count as a changed key, see verify): refused under
// yes, asked under ask, added under accept-new and no/off; refused under
// every policy when there is no user known_hosts file to add it to.
func (c *hostKeyChecker) unknown(key ssh.PublicKey) error {
	fp := ssh.FingerprintSHA256(key)
	refuse := func(reason string) error {
		return &HostKeyUnknownError{Host: c.name, KeyType: key.Type(), Fingerprint: fp, Reason: reason}
	}
	if c.addTo == "" {
		// As ssh: with no user known_hosts file (UserKnownHostsFile none)
		// a new key could not be recorded, and is refused under every
		// policy without a question.
		return refuse("UserKnownHostsFile is none, so a new host key cannot be recorded (ssh refuses it too); add the key to a GlobalKnownHostsFile or set a UserKnownHostsFile")
	}
	switch c.policy {
	case "yes":
		return refuse(fmt.Sprintf("no %s host key is known for %s and StrictHostKeyChecking is yes; add the key to known_hosts first", keyTypeLabel(key), c.name))
	case "accept-new", "no":
		c.add(key, fmt.Sprintf("StrictHostKeyChecking %s", c.policy))
		return nil
	}
	if !c.prompt.can() {
		why := "cannot ask (no prompt available)"
		if c.prompt.batch {
			why = "BatchMode is on, so sshdash cannot ask"
		}
		return refuse(why)
	}
	title := fmt.Sprintf("The authenticity of host %s (%s) can't be established. %s key fingerprint is %s. %s", c.display, c.name, keyTypeLabel(key), fp, c.otherNames(key))
	title += " Answering yes adds it to " + c.addTo + "."
	p := NewPrompt(PromptHostKey, c.display, title, Question{Text: "Are you sure you want to continue connecting (yes/no/[fingerprint])?", Echo: true})
	p.KeyType, p.Fingerprint = key.Type(), fp
	answers, err := c.prompt.ask(p)
	if err != nil {
		return refuse(fmt.Sprintf("not confirmed: %v", err))
	}
	if len(answers) == 0 || !(strings.EqualFold(strings.TrimSpace(answers[0]), "yes") || strings.TrimSpace(answers[0]) == fp) {
		return refuse("the user answered no")
	}
	c.add(key, "confirmed by the user")
	return nil
}

// maxOtherNames bounds the names listed in a host key question.
const maxOtherNames = 8

// otherNames tells, for a host key question, under which other names
// known_hosts already holds key (ssh says the same, so that a user can
// recognise a host reached by a new name or port).
func (c *hostKeyChecker) otherNames(key ssh.PublicKey) string {
	want := key.Marshal()
	var names []string
	n := 0
	for i := range c.all {
		e := &c.all[i]
		if e.Marker != khPlain || !bytes.Equal(e.Key.Marshal(), want) || e.matches(c.name) {
			continue
		}
		n++
		if len(names) < maxOtherNames {
			host := e.Hosts
			if e.Hashed {
				host = "(hashed name)"
			}
			names = append(names, fmt.Sprintf("%s:%d: %s", e.File, e.Line, host))
		}
	}
	if n == 0 {
		return "This key is not known by any other names."
	}
	s := "This key is already known for other names: " + strings.Join(names, "; ")
	if n > len(names) {
		s += fmt.Sprintf(" (and %d more)", n-len(names))
	}
	return s + "."
}

// add appends key to the first user known_hosts file (unknown has made
// sure there is one); failures are logged and do not stop the connection
// (as ssh).
func (c *hostKeyChecker) add(key ssh.PublicKey, why string) {
	fp := ssh.FingerprintSHA256(key)
	line, err := appendKnownHost(c.addTo, c.name, key, c.hash)
	if err != nil {
		c.log(fmt.Sprintf("accepted new host key %s %s for %s (%s) but could not record it: %v", key.Type(), fp, c.name, why, err))
		return
	}
	c.log(fmt.Sprintf("permanently added %s key %s for %s to %s:%d (%s)", key.Type(), fp, c.name, c.addTo, line, why))
}

// keyTypeLabel names a key type as ssh does in prompts, e.g. ED25519.
func keyTypeLabel(key ssh.PublicKey) string {
	switch t := key.Type(); t {
	case ssh.KeyAlgoED25519:
		return "ED25519"
	case ssh.KeyAlgoRSA:
		return "RSA"
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return "ECDSA"
	default:
		return t
	}
}

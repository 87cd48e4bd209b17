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

	mu       sync.Mutex    // guards accepted
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
	c.mu.Unlock()
	if c.onStage != nil {
		c.onStage(StageAuth)
	}
	return nil
}

// verify applies the rules for a first key exchange, in OpenSSH 9.2's
// order (sshconnect.c check_host_key, hostfile.c check_key_in_hostkeys):
//   - a certificate is accepted when a matching @cert-authority trusts it
//     for the host, else it is checked as its plain key;
//   - any plain entry for the name holding the same key accepts it;
//   - otherwise any plain entry for the name, of whatever key type, means
//     the host key has CHANGED: refused (ssh too refuses it under yes, ask
//     and accept-new, and with no/off only connects with password,
//     keyboard-interactive and forwarding disabled; sshdash refuses then
//     too);
//   - with no entry at all for [host]:port, the port-less name is tried
//     read-only: a match there accepts the key and nothing is written;
//   - else the key is new and StrictHostKeyChecking decides.
//
// @revoked keys are refused under every policy, also when found under the
// port-less name (where ssh would go on as for a new key).
func (c *hostKeyChecker) verify(key ssh.PublicKey) error {
	if c.revokedKeys != nil {
		if why := c.revokedKeys.check(key); why != "" {
			return &HostKeyRevokedError{Host: c.name, File: c.revokedKeys.path, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), Reason: why}
		}
	}
	if cert, ok := key.(*ssh.Certificate); ok {
		done, err := c.verifyCert(c.known, c.name, cert)
		if done || err != nil {
			return err
		}
		if c.portless != nil {
			// ssh's port-less retry gets the certificate, and checks its
			// plain key there before the plain key is checked for
			// [host]:port.
			done, err := c.verifyCert(c.portless, c.portName, cert)
			if err != nil {
				return err
			}
			if done {
				c.log(fmt.Sprintf("host certificate of %s accepted by a @cert-authority for %s (without the port)", c.name, c.portName))
				return nil
			}
			if ok, err := c.knownWithoutPort(cert.Key); ok || err != nil {
				return err
			}
		}
		key = cert.Key // no trusted CA: check the plain key, as ssh does
	}
	if e := findEntry(c.known, khRevoked, key); e != nil {
		return c.revoked(c.name, e, key)
	}
	switch st, e := plainStatus(c.known, key); st {
	case khOK:
		return nil
	case khChanged:
		return &HostKeyChangedError{
			Host: c.name, File: e.File, Line: e.Line,
			KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
			KnownKeyType: e.Key.Type(), KnownFingerprint: ssh.FingerprintSHA256(e.Key),
		}
	}
	if c.portless != nil {
		if ok, err := c.knownWithoutPort(key); ok || err != nil {
			return err
		}
	}
	return c.unknown(key)
}

// knownWithoutPort is ssh's port-less retry for a plain key: ok when an
// entry for the host name without the port holds key. Nothing is written
// either way. A key revoked under that name is refused.
func (c *hostKeyChecker) knownWithoutPort(key ssh.PublicKey) (ok bool, err error) {
	if e := findEntry(c.portless, khRevoked, key); e != nil {
		return false, c.revoked(c.portName, e, key)
	}
	st, e := plainStatus(c.portless, key)
	if st != khOK {
		return false, nil
	}
	c.log(fmt.Sprintf("host key %s %s of %s found under %s without the port (%s:%d)", key.Type(), ssh.FingerprintSHA256(key), c.name, c.portName, e.File, e.Line))
	return true, nil
}

// khStatus is the verdict of a set of known_hosts entries on a plain key.
type khStatus int

const (
	khNew     khStatus = iota // no plain entry for the name
	khOK                      // an entry holds the key
	khChanged                 // entries exist, none holds the key
)

// plainStatus is OpenSSH's check_key_in_hostkeys for a plain key: khOK
// with the entry holding key; else khChanged with the last plain entry
// (of any key type: ssh reports keys of another type as a changed host
// key too), else khNew.
func plainStatus(entries []khEntry, key ssh.PublicKey) (khStatus, *khEntry) {
	st, found := khNew, (*khEntry)(nil)
	want := key.Marshal()
	for i := range entries {
		e := &entries[i]
		if e.Marker != khPlain {
			continue
		}
		if bytes.Equal(e.Key.Marshal(), want) {
			return khOK, e
		}
		st, found = khChanged, e
	}
	return st, found
}

// verifyCert checks a host certificate against the @cert-authority and
// @revoked entries of one name. done reports that the certificate settled
// the matter; false means no matching CA trusts it and the plain key must
// be checked.
func (c *hostKeyChecker) verifyCert(entries []khEntry, name string, cert *ssh.Certificate) (done bool, err error) {
	if e := findEntry(entries, khRevoked, cert.Key); e != nil {
		return true, c.revoked(name, e, cert.Key)
	}
	if e := findEntry(entries, khRevoked, cert.SignatureKey); e != nil {
		return true, c.revoked(name, e, cert.SignatureKey)
	}
	if findEntry(entries, khCA, cert.SignatureKey) == nil {
		c.log(fmt.Sprintf("host certificate of %s is signed by a CA not trusted for %s (%s); checking the plain host key", c.name, name, ssh.FingerprintSHA256(cert.SignatureKey)))
		return false, nil
	}
	if cert.CertType != ssh.HostCert {
		return true, fmt.Errorf("server %s presented a certificate of type %d as its host key", c.name, cert.CertType)
	}
	checker := ssh.CertChecker{}
	if err := checker.CheckCert(c.principal, cert); err != nil {
		c.log(fmt.Sprintf("host certificate of %s is not valid (%v); checking the plain host key", c.name, err))
		return false, nil
	}
	return true, nil
}

// findEntry returns the first entry with the marker whose key equals key.
func findEntry(entries []khEntry, m khMarker, key ssh.PublicKey) *khEntry {
	want := key.Marshal()
	for i := range entries {
		if entries[i].Marker == m && bytes.Equal(entries[i].Key.Marshal(), want) {
			return &entries[i]
		}
	}
	return nil
}

func (c *hostKeyChecker) revoked(name string, e *khEntry, key ssh.PublicKey) error {
	return &HostKeyRevokedError{Host: name, File: e.File, Line: e.Line, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
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

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
	name        string       // lookup name: host, [host]:port or HostKeyAlias
	principal   string       // name a host certificate must be issued for
	display     string       // how the host is named in prompts
	policy      string       // normalized StrictHostKeyChecking
	addTo       string       // first UserKnownHostsFile, "" if none
	hash        bool         // HashKnownHosts
	known       []khEntry    // entries matching name, all markers
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

// algorithms returns the host key algorithms to offer, known types first.
func (c *hostKeyChecker) algorithms(configured []string) []string {
	return hostKeyAlgorithms(configured, c.known)
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

// verify applies the rules for a first key exchange.
func (c *hostKeyChecker) verify(key ssh.PublicKey) error {
	if c.revokedKeys != nil {
		if why := c.revokedKeys.check(key); why != "" {
			return &HostKeyRevokedError{Host: c.name, File: c.revokedKeys.path, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key), Reason: why}
		}
	}
	if cert, ok := key.(*ssh.Certificate); ok {
		done, err := c.verifyCert(cert)
		if done || err != nil {
			return err
		}
		key = cert.Key // no trusted CA: check the plain key, as ssh does
	}
	if e := c.find(khRevoked, key); e != nil {
		return c.revoked(e, key)
	}
	var sameType, otherType []khEntry
	for _, e := range c.known {
		if e.Marker != khPlain {
			continue
		}
		if bytes.Equal(e.Key.Marshal(), key.Marshal()) {
			return nil
		}
		if e.Key.Type() == key.Type() {
			sameType = append(sameType, e)
		} else {
			otherType = append(otherType, e)
		}
	}
	if len(sameType) > 0 {
		e := sameType[0]
		return &HostKeyChangedError{
			Host: c.name, File: e.File, Line: e.Line,
			KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
			KnownFingerprint: ssh.FingerprintSHA256(e.Key),
		}
	}
	return c.unknown(key, otherType)
}

// verifyCert checks a host certificate against @cert-authority and
// @revoked entries. done reports that the certificate settled the matter;
// false means no matching CA trusts it and the plain key must be checked.
func (c *hostKeyChecker) verifyCert(cert *ssh.Certificate) (done bool, err error) {
	if e := c.find(khRevoked, cert.Key); e != nil {
		return true, c.revoked(e, cert.Key)
	}
	if e := c.find(khRevoked, cert.SignatureKey); e != nil {
		return true, c.revoked(e, cert.SignatureKey)
	}
	if c.find(khCA, cert.SignatureKey) == nil {
		c.log(fmt.Sprintf("host certificate of %s is signed by a CA not trusted for it (%s); checking the plain host key", c.name, ssh.FingerprintSHA256(cert.SignatureKey)))
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

// find returns the first entry with the marker whose key equals key.
func (c *hostKeyChecker) find(m khMarker, key ssh.PublicKey) *khEntry {
	for i := range c.known {
		if c.known[i].Marker == m && bytes.Equal(c.known[i].Key.Marshal(), key.Marshal()) {
			return &c.known[i]
		}
	}
	return nil
}

func (c *hostKeyChecker) revoked(e *khEntry, key ssh.PublicKey) error {
	return &HostKeyRevokedError{Host: c.name, File: e.File, Line: e.Line, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
}

// unknown decides about a key that known_hosts does not know. otherTypes
// are known keys of other types for the host: then the key is accepted
// only by an explicit answer (ssh would take it under accept-new/no too;
// a man in the middle can present a type the client has not seen).
func (c *hostKeyChecker) unknown(key ssh.PublicKey, otherTypes []khEntry) error {
	fp := ssh.FingerprintSHA256(key)
	refuse := func(reason string) error {
		return &HostKeyUnknownError{Host: c.name, KeyType: key.Type(), Fingerprint: fp, Reason: reason}
	}
	policy := c.policy
	if len(otherTypes) > 0 && policy != "yes" {
		policy = "ask"
	}
	switch policy {
	case "yes":
		return refuse("StrictHostKeyChecking is yes; add the key to known_hosts first")
	case "accept-new", "no":
		c.add(key, fmt.Sprintf("StrictHostKeyChecking %s", c.policy))
		return nil
	}
	if !c.prompt.can() {
		why := "cannot ask (no prompt available)"
		if c.prompt.batch {
			why = "BatchMode is on, so sshdash cannot ask"
		}
		if len(otherTypes) > 0 {
			why += fmt.Sprintf("; keys of other types are known for this host (%s:%d)", otherTypes[0].File, otherTypes[0].Line)
		}
		return refuse(why)
	}
	title := fmt.Sprintf("The authenticity of host %s (%s) can't be established. %s key fingerprint is %s.", c.display, c.name, keyTypeLabel(key), fp)
	if len(otherTypes) > 0 {
		title += fmt.Sprintf(" Keys of other types are already known for this host (%s:%d), so this may be an attack.", otherTypes[0].File, otherTypes[0].Line)
	}
	if c.addTo != "" {
		title += " Answering yes adds it to " + c.addTo + "."
	}
	p := NewPrompt(PromptHostKey, c.display, title, Question{Text: "Are you sure you want to continue connecting (yes/no)?", Echo: true})
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

// add appends key to the first user known_hosts file; failures are logged
// and do not stop the connection (as ssh).
func (c *hostKeyChecker) add(key ssh.PublicKey, why string) {
	fp := ssh.FingerprintSHA256(key)
	if c.addTo == "" {
		c.log(fmt.Sprintf("accepted new host key %s %s for %s (%s); no UserKnownHostsFile to record it in", key.Type(), fp, c.name, why))
		return
	}
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

package session

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"golang.org/x/crypto/ssh"
)

// keyCandidate is one key (or certificate) to offer with publickey.
type keyCandidate struct {
	desc string // for the log: "agent key ED25519 SHA256:… (comment)", "/home/u/.ssh/id_ed25519"
	get  func() (ssh.Signer, error)
}

// identityFile is an IdentityFile as found on disk. Private keys are read
// when the publickey method is first reached, and decrypted only when the
// server has accepted the public key (the OpenSSH format stores it in the
// clear; for legacy encrypted PEM keys a .pub file next to it serves).
type identityFile struct {
	path    string
	pub     ssh.PublicKey // nil when unknown (legacy encrypted PEM without .pub)
	private []byte        // the private key file, nil when unusable
	signer  ssh.Signer    // unencrypted key, or lazy signer for an encrypted one
}

// loadIdentity reads one identity file. Problems are returned as notes
// (missing default files are not worth one).
func loadIdentity(path string, isDefault bool) (*identityFile, []string) {
	id := &identityFile{path: path}
	var notes []string
	if pubData, err := os.ReadFile(path + ".pub"); err == nil {
		if k, _, _, _, err := ssh.ParseAuthorizedKey(pubData); err == nil {
			id.pub = k
		}
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !isDefault {
			notes = append(notes, fmt.Sprintf("identity file %s not found", path))
		}
		return id, notes
	case err != nil:
		return id, append(notes, fmt.Sprintf("identity file %s: %v", path, unwrapPathError(err)))
	case st.IsDir():
		return id, append(notes, fmt.Sprintf("identity file %s is a directory, not a key", path))
	}
	if st.Mode().Perm()&0o077 != 0 && ownedByMe(st) {
		return id, append(notes, fmt.Sprintf("identity file %s is accessible by others (mode %04o); ignored, as ssh does (chmod 600 it)", path, st.Mode().Perm()))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return id, append(notes, fmt.Sprintf("cannot read identity file %s: %v", path, unwrapPathError(err)))
	}
	signer, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		id.signer, id.pub, id.private = signer, signer.PublicKey(), data
	case errors.As(err, &missing):
		id.private = data
		if missing.PublicKey != nil {
			id.pub = missing.PublicKey
		}
	default:
		notes = append(notes, fmt.Sprintf("identity file %s is not a usable private key: %v", path, strings.TrimPrefix(err.Error(), "ssh: ")))
	}
	return id, notes
}

// unwrapPathError drops the path from an *fs.PathError (messages name it already).
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ownedByMe reports whether the file belongs to the current user.
func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}

// loadCertificate reads a user certificate file; nil if it is missing or
// not a certificate (with a note unless missing and implied).
func loadCertificate(path string, implied bool) (*ssh.Certificate, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && implied {
			return nil, ""
		}
		return nil, fmt.Sprintf("certificate file %s: %v", path, unwrapPathError(err))
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, fmt.Sprintf("certificate file %s: %v", path, strings.TrimPrefix(err.Error(), "ssh: "))
	}
	cert, ok := k.(*ssh.Certificate)
	if !ok || cert.CertType != ssh.UserCert {
		return nil, fmt.Sprintf("certificate file %s does not hold a user certificate", path)
	}
	return cert, ""
}

// lazySigner holds an encrypted identity file and decrypts it the first
// time the server wants a signature: asking for the passphrase (up to
// three times, as ssh) unless Secrets already has the decrypted key. A
// key that could not be decrypted is not asked for again in this
// handshake.
type lazySigner struct {
	p      *authPlan
	id     *identityFile
	pub    ssh.PublicKey
	signer ssh.Signer // once decrypted
	failed error      // once given up
}

// PublicKey returns the public key, known without decrypting.
func (l *lazySigner) PublicKey() ssh.PublicKey { return l.pub }

// Sign decrypts the key if needed and signs.
func (l *lazySigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	s, err := l.unlock()
	if err != nil {
		return nil, err
	}
	return s.Sign(rand, data)
}

// SignWithAlgorithm decrypts the key if needed and signs with algorithm.
func (l *lazySigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	s, err := l.unlock()
	if err != nil {
		return nil, err
	}
	if as, ok := s.(ssh.AlgorithmSigner); ok {
		return as.SignWithAlgorithm(rand, data, algorithm)
	}
	if algorithm != "" && algorithm != s.PublicKey().Type() {
		return nil, fmt.Errorf("key %s cannot sign with %s", l.id.path, algorithm)
	}
	return s.Sign(rand, data)
}

// cacheID is the key of this identity in Secrets.
func (l *lazySigner) cacheID() string {
	if l.pub != nil {
		return ssh.FingerprintSHA256(l.pub)
	}
	return "file:" + l.id.path
}

// unlock returns the decrypted signer, asking for the passphrase.
func (l *lazySigner) unlock() (ssh.Signer, error) {
	if l.signer != nil {
		return l.signer, nil
	}
	if l.failed != nil {
		return nil, l.failed
	}
	if s, ok := l.p.secrets.signer(l.cacheID()); ok && (l.pub == nil || bytes.Equal(s.PublicKey().Marshal(), l.pub.Marshal())) {
		l.signer = s
		return s, nil
	}
	// Decrypting (bcrypt KDF) is local work: keep it, like the prompts,
	// out of the handshake's timeout.
	if l.p.pr.pause != nil {
		l.p.pr.pause()
		defer l.p.pr.resume()
	}
	s, raw, err := l.ask()
	if err != nil {
		l.failed = err
		l.p.note(err.Error())
		return nil, err
	}
	l.signer = s
	if l.pub == nil {
		l.pub = s.PublicKey()
	}
	l.p.secrets.putSigner(l.cacheID(), s, raw)
	return s, nil
}

// ask asks for the passphrase up to three times. It returns the signer
// and the raw private key under it (for Secrets to zero).
func (l *lazySigner) ask() (ssh.Signer, any, error) {
	path := l.id.path
	if !l.p.pr.can() {
		why := "no prompt is available"
		if l.p.pr.batch {
			why = "BatchMode is on"
		}
		return nil, nil, fmt.Errorf("key %s skipped: it is encrypted and %s to ask for its passphrase", path, why)
	}
	const tries = 3
	for i := 1; i <= tries; i++ {
		title := fmt.Sprintf("Enter passphrase for key '%s':", path)
		if i > 1 {
			title = fmt.Sprintf("Bad passphrase, try again for '%s' (attempt %d of %d):", path, i, tries)
		}
		answers, err := l.p.pr.ask(NewPrompt(PromptPassphrase, l.p.t.name(), title, Question{Text: "Passphrase:", Echo: false}))
		if err != nil {
			return nil, nil, fmt.Errorf("key %s skipped: passphrase not given (%v)", path, err)
		}
		if len(answers) != 1 || answers[0] == "" {
			return nil, nil, fmt.Errorf("key %s skipped: empty passphrase", path)
		}
		pass := []byte(answers[0])
		raw, err := ssh.ParseRawPrivateKeyWithPassphrase(l.id.private, pass)
		clear(pass)
		if err == nil {
			s, err := ssh.NewSignerFromKey(raw)
			if err != nil {
				zeroKey(raw)
				return nil, nil, fmt.Errorf("key %s skipped: %v", path, strings.TrimPrefix(err.Error(), "ssh: "))
			}
			return s, raw, nil
		}
		if !errors.Is(err, x509.IncorrectPasswordError) {
			return nil, nil, fmt.Errorf("key %s skipped: %v", path, strings.TrimPrefix(err.Error(), "ssh: "))
		}
	}
	return nil, nil, fmt.Errorf("key %s skipped: wrong passphrase %d times", path, tries)
}

// loadKeys builds the publickey candidates in ssh's order: agent keys
// (only those matching an IdentityFile under IdentitiesOnly), then
// identity files not in the agent; every key's matching certificates
// (IdentityFile-cert.pub, CertificateFile) come right before it.
func (p *authPlan) loadKeys() {
	p.keysLoaded = true
	ex := p.d.expander(p.t)
	var ids []*identityFile
	var certs []*ssh.Certificate
	for _, path := range ex.expandAll(p.t.IdentityFiles) {
		id, notes := loadIdentity(path, isDefaultIdentity(path))
		for _, n := range notes {
			p.note(n)
		}
		ids = append(ids, id)
		if c, note := loadCertificate(path+"-cert.pub", true); c != nil {
			certs = append(certs, c)
		} else if note != "" {
			p.note(note)
		}
	}
	for _, path := range ex.expandAll(p.t.CertificateFiles) {
		if c, note := loadCertificate(path, false); c != nil {
			certs = append(certs, c)
		} else if note != "" {
			p.note(note)
		}
	}
	inAgent := map[*identityFile]bool{}
	for _, as := range p.agentSigners() {
		plain := as.PublicKey()
		if c, ok := plain.(*ssh.Certificate); ok {
			plain = c.Key
		}
		var match *identityFile
		for _, id := range ids {
			if id.pub != nil && bytes.Equal(id.pub.Marshal(), plain.Marshal()) {
				match = id
				break
			}
		}
		if match != nil {
			inAgent[match] = true
		} else if p.t.IdentitiesOnly {
			continue
		}
		p.addCandidates(as, agentKeyDesc(as), certs)
	}
	for _, id := range ids {
		if inAgent[id] || id.private == nil {
			continue
		}
		switch {
		case id.signer != nil:
			p.addCandidates(id.signer, id.path, certs)
		case id.pub != nil:
			id.signer = &lazySigner{p: p, id: id, pub: id.pub}
			p.addCandidates(id.signer, id.path, certs)
		default: // legacy encrypted PEM without .pub: decrypt before offering
			ls := &lazySigner{p: p, id: id}
			p.keys = append(p.keys, keyCandidate{desc: id.path, get: ls.unlock})
		}
	}
}

// addCandidates adds s, preceded by each certificate for its key.
func (p *authPlan) addCandidates(s ssh.Signer, desc string, certs []*ssh.Certificate) {
	if _, isCert := s.PublicKey().(*ssh.Certificate); !isCert {
		for _, c := range certs {
			if !bytes.Equal(c.Key.Marshal(), s.PublicKey().Marshal()) {
				continue
			}
			cs, err := ssh.NewCertSigner(c, s)
			if err != nil {
				continue
			}
			cdesc := fmt.Sprintf("certificate %q for %s", c.KeyId, desc)
			p.keys = append(p.keys, keyCandidate{desc: cdesc, get: func() (ssh.Signer, error) { return cs, nil }})
		}
	}
	p.keys = append(p.keys, keyCandidate{desc: desc, get: func() (ssh.Signer, error) { return s, nil }})
}

package session

import (
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// openSSHHostKeyAlgorithms is OpenSSH 9.2's default HostKeyAlgorithms
// (what `ssh -G` prints), without the security-key (sk-*) algorithms that
// x/crypto cannot verify as host keys. It is the base list instead of
// x/crypto's own order, so that sshdash negotiates the same host key
// algorithm as ssh with the same server and known_hosts, and thus reaches
// the same verdict.
var openSSHHostKeyAlgorithms = []string{
	ssh.CertAlgoED25519v01,
	ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01,
	ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01,
	ssh.KeyAlgoED25519,
	ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
	ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256,
}

// algorithms returns the host key algorithms to offer for c's host.
func (c *hostKeyChecker) algorithms(configured []string) []string {
	return hostKeyAlgorithms(configured, c.known)
}

// hostKeyAlgorithms returns the host key algorithms to offer for a host
// with these known_hosts entries (those for the name with its port: the
// port-less fallback plays no part here, as in ssh).
//
// As ssh (sshconnect2.c, order_hostkeyalgs), the list is reordered only
// when HostKeyAlgorithms is unset or starts with + or -: if a plain key of
// the first algorithm's type is known, the list is used as it is;
// otherwise the algorithms whose key type is known (certificate ones
// included) and, with a matching @cert-authority, all certificate
// algorithms move to the front, each group keeping its order. Without
// this, a server with several host keys could present one of a type not
// in known_hosts, which ssh would not have been shown (golang/go#29286).
func hostKeyAlgorithms(configured []string, known []khEntry) []string {
	base, reorder := configuredHostKeyAlgorithms(configured)
	if !reorder || len(base) == 0 {
		return base
	}
	knownTypes := map[string]bool{}
	haveCA := false
	for _, e := range known {
		switch e.Marker {
		case khCA:
			haveCA = true
		case khPlain:
			knownTypes[e.Key.Type()] = true
		}
	}
	if knownTypes[keyTypeOfAlgo(base[0])] {
		return base
	}
	var first, last []string
	for _, a := range base {
		if (haveCA && isCertAlgo(a)) || knownTypes[keyTypeOfAlgo(a)] {
			first = append(first, a)
		} else {
			last = append(last, a)
		}
	}
	return append(first, last...)
}

// configuredHostKeyAlgorithms applies a HostKeyAlgorithms value to
// OpenSSH's default list: "+x" appends, "-x" removes (patterns allowed),
// "^x" prepends, anything else replaces it. Names x/crypto cannot use are
// dropped. reorder reports whether ssh would reorder the result by known
// keys: for an unset value, + and -.
func configuredHostKeyAlgorithms(configured []string) (algos []string, reorder bool) {
	usable := append(slices.Clone(ssh.SupportedAlgorithms().HostKeys), ssh.InsecureAlgorithms().HostKeys...)
	var names []string
	for _, n := range strings.Split(strings.Join(configured, ","), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return slices.Clone(openSSHHostKeyAlgorithms), true
	}
	var out []string
	switch names[0][0] {
	case '+':
		names[0] = names[0][1:]
		out, reorder = append(slices.Clone(openSSHHostKeyAlgorithms), names...), true
	case '^':
		names[0] = names[0][1:]
		out = append(slices.Clone(names), openSSHHostKeyAlgorithms...)
	case '-':
		names[0] = names[0][1:]
		for _, a := range openSSHHostKeyAlgorithms {
			if !slices.ContainsFunc(names, func(p string) bool { return globMatch(p, a) }) {
				out = append(out, a)
			}
		}
		reorder = true
	default:
		out = names
	}
	var res []string
	for _, a := range out {
		if slices.Contains(usable, a) && !slices.Contains(res, a) {
			res = append(res, a)
		}
	}
	if len(res) == 0 {
		// Nothing usable is left (say, only sk-* algorithms): let x/crypto
		// pick, and the handshake fail with its own message if the server
		// has none of them.
		return slices.Clone(openSSHHostKeyAlgorithms), reorder
	}
	return res, reorder
}

// isCertAlgo reports whether a host key algorithm is a certificate one.
func isCertAlgo(algo string) bool { return strings.Contains(algo, "-cert-v01@openssh.com") }

// keyTypeOfAlgo maps a host key algorithm to the plain key type
// (PublicKey.Type) it verifies with; a certificate algorithm maps to the
// type of its certified key, as ssh's sshkey_type_plain.
func keyTypeOfAlgo(algo string) string {
	if isCertAlgo(algo) {
		algo = strings.Replace(algo, "-cert-v01@openssh.com", "", 1)
		if strings.HasPrefix(algo, "rsa-sha2-") {
			return ssh.KeyAlgoRSA
		}
		return algo
	}
	switch algo {
	case ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSA:
		return ssh.KeyAlgoRSA
	}
	return algo
}

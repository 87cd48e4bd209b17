// Package internal groups sshdash's test harnesses; see its subpackages.
package internal

package release

import (
	"encoding/hex"

	"github.com/go-git/go-git/v5/plumbing"
)

// Hash is a commit ID. It is release's own type so that callers need not
// import go-git; it converts to go-git's hash at no cost inside the package.
type Hash [20]byte

// String is the full lowercase hexadecimal ID.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports the zero ID, which names no commit.
func (h Hash) IsZero() bool { return h == Hash{} }

// Short is the 12-character abbreviation used in human output.
func (h Hash) Short() string { return h.String()[:12] }

func hashOf(h plumbing.Hash) Hash { return Hash(h) }

func (h Hash) git() plumbing.Hash { return plumbing.Hash(h) }

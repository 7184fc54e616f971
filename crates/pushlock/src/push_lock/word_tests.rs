//! Exhaustive tests of the lock word's pure functions (`raw.rs`, [`Word`]): every
//! transition of the table, applied to every small word where its precondition holds,
//! must give a consistent word (invariant 1) with the meaning the table promises.
//!
//! "Small words": nobody queued, share counts 0..=5 under all sixteen flag patterns;
//! queued, two fake heads (never dereferenced) under all sixteen flag patterns.

use super::raw::Word;
use super::wait_block::WaitBlock;

const LOCKED: usize = 1;
const WAITING: usize = 2;
const WAKING: usize = 4;
const BIT3: usize = 8; // MULTIPLE_SHARED while queued, WRITER_WOKEN otherwise
const HEADS: [usize; 2] = [0x1000, 0x2340];

fn fake_block(addr: usize) -> *const WaitBlock {
    core::ptr::without_provenance(addr)
}

/// Every small word, consistent or not.
fn all_words() -> Vec<Word> {
    let mut words = Vec::new();
    for flags in 0..16 {
        if flags & WAITING == 0 {
            for count in 0..=5usize {
                words.push(Word::from_bits(count << 4 | flags));
            }
        } else {
            for head in HEADS {
                words.push(Word::from_bits(head | flags));
            }
            words.push(Word::from_bits(flags)); // queued with a null head
        }
    }
    words
}

fn consistent_words() -> Vec<Word> {
    all_words()
        .into_iter()
        .filter(|w| w.is_consistent())
        .collect()
}

/// The low bits, for checks.
fn bits(word: Word) -> usize {
    word.as_ptr().addr()
}

fn flags(word: Word) -> usize {
    bits(word) & 15
}

#[test]
fn is_consistent_is_invariant_1() {
    for word in all_words() {
        let b = bits(word);
        let expected = if b & WAITING == 0 {
            // WAKING only while queued; LOCKED and WRITER_WOKEN only alone.
            b & 15 == 0 || b == LOCKED || b == BIT3
        } else {
            b & !15 != 0 && (b & BIT3 == 0 || b & LOCKED != 0)
        };
        assert_eq!(word.is_consistent(), expected, "{b:#x}");
    }
    // 1 free + 5 counts + exclusive + WRITER_WOKEN; 6 of the 8 queued patterns per head
    // (MULTIPLE_SHARED without LOCKED is out).
    assert_eq!(consistent_words().len(), 8 + 6 * HEADS.len());
}

#[test]
fn modes_of_every_word() {
    for word in consistent_words() {
        let b = bits(word);
        assert_eq!(word.is_queued(), b & WAITING != 0);
        assert_eq!(word.is_list_locked(), b & WAKING != 0);
        if word.is_queued() {
            assert_eq!(word.is_locked(), b & LOCKED != 0, "{b:#x}");
            assert_eq!(word.is_exclusive(), b & (LOCKED | BIT3) == LOCKED, "{b:#x}");
            assert_eq!(word.head(), fake_block(b & !15));
        } else {
            assert_eq!(word.is_locked(), b != 0 && b != BIT3, "{b:#x}");
            assert_eq!(word.is_exclusive(), b == LOCKED, "{b:#x}");
        }
        // P3: shared only while nobody queues, never beside a writer or a woken writer.
        if word.is_shared_acquirable() {
            assert!(
                !word.is_queued() && !word.is_exclusive() && b != BIT3,
                "{b:#x}"
            );
        }
        assert_eq!(
            word.is_shared_acquirable(),
            !word.is_queued() && b & 15 == 0,
            "{b:#x}"
        );
        // P6: exclusive whenever the lock is free, queued waiters or not.
        assert_eq!(word.is_exclusive_acquirable(), !word.is_locked(), "{b:#x}");
        assert_eq!(word.is_acquirable(true), word.is_exclusive_acquirable());
        assert_eq!(word.is_acquirable(false), word.is_shared_acquirable());
    }
}

#[test]
fn acquires() {
    for word in consistent_words() {
        if word.is_exclusive_acquirable() {
            let next = word.with_exclusive_hold();
            assert!(next.is_consistent() && next.is_exclusive(), "{word:?}");
            assert_eq!(next.is_queued(), word.is_queued());
            assert_eq!(next.is_list_locked(), word.is_list_locked());
            assert!(!next.is_exclusive_acquirable() && !next.is_shared_acquirable());
            if word.is_queued() {
                assert_eq!(next.head(), word.head());
            }
            assert_eq!(word.with_hold(true), next);
        }
        if word.is_shared_acquirable() {
            let next = word.with_one_more_share();
            assert!(next.is_consistent() && next.is_locked() && !next.is_exclusive());
            assert_eq!(next.shares(), word.shares() + 1);
            assert!(next.is_shared_acquirable() && !next.is_exclusive_acquirable());
            assert_eq!(word.with_hold(false), next);
        }
    }
}

#[test]
fn release_while_nobody_queues() {
    for word in consistent_words() {
        if word.is_queued() || !word.is_locked() {
            continue;
        }
        let next = word.without_one_hold();
        assert!(next.is_consistent() && !next.is_queued());
        if word.is_exclusive() {
            assert_eq!(next, Word::FREE);
        } else {
            assert_eq!(next.shares(), word.shares() - 1);
            assert_eq!(flags(next), 0);
        }
    }
    assert_eq!(Word::EXCLUSIVE.without_one_hold(), Word::FREE);
    assert_eq!(Word::ONE_SHARE.without_one_hold(), Word::FREE);
}

#[test]
fn queueing() {
    let block = fake_block(0x5670);
    for word in consistent_words() {
        if word.is_queued() {
            let next = word.queued_behind(block);
            assert!(next.is_consistent());
            assert_eq!(next.head(), block);
            assert_eq!(flags(next), flags(word));
            assert_eq!(word.unlinked_head(block), next);
            continue;
        }
        // The first waiter queues only on a word it cannot acquire in its mode, or on
        // WRITER_WOKEN (a shared waiter); never on a free word.
        if word == Word::FREE {
            continue;
        }
        let next = word.queued_first(block);
        assert!(next.is_consistent() && next.is_queued() && !next.is_list_locked());
        assert_eq!(next.head(), block);
        assert_eq!(next.is_locked(), word.is_locked(), "{word:?}");
        assert_eq!(next.is_exclusive(), word.is_exclusive(), "{word:?}");
        assert_eq!(next.is_shared_while_queued(), word.shares() > 0);
        assert!(!next.is_shared_acquirable());
        // Unlinking it again (timeout) gives the word back, less WRITER_WOKEN.
        let shares = if next.is_shared_while_queued() {
            word.shares()
        } else {
            0
        };
        let back = next.with_list_lock().unlinked_sole(shares);
        let expected = if bits(word) == BIT3 { Word::FREE } else { word };
        assert_eq!(back, expected, "{word:?}");
    }
}

#[test]
fn list_lock_and_releases_while_queued() {
    for word in consistent_words() {
        if !word.is_queued() {
            continue;
        }
        if !word.is_list_locked() {
            let locked = word.with_list_lock();
            assert!(locked.is_consistent() && locked.is_list_locked());
            assert_eq!(locked.without_list_lock(), word);
            assert_eq!(locked.head(), word.head());
        }
        if word.is_exclusive() {
            let next = word.released_exclusive_queued();
            assert!(next.is_consistent() && next.is_list_locked() && !next.is_locked());
            assert!(next.is_exclusive_acquirable() && !next.is_shared_acquirable());
            assert_eq!(next.head(), word.head());
            if !word.is_list_locked() {
                let downgraded = word.with_list_lock().with_tail_share();
                assert!(downgraded.is_consistent() && downgraded.is_locked());
                assert!(!downgraded.is_exclusive() && downgraded.is_shared_while_queued());
            }
        }
        if word.is_list_locked() && word.is_shared_while_queued() {
            let next = word.released_last_share();
            assert!(next.is_consistent() && next.is_list_locked() && !next.is_locked());
            assert!(!next.is_shared_while_queued());
            assert_eq!(next.head(), word.head());
        }
        if word.is_list_locked() {
            let sole = word.unlinked_sole(0);
            assert!(sole.is_consistent() && !sole.is_queued());
            assert_eq!(sole.is_exclusive(), word.is_held_while_queued());
            assert_eq!(word.unlinked_sole(3).shares(), 3);
            assert_eq!(flags(word.unlinked_sole(3)), 0);
        }
    }
}

#[test]
fn wakes() {
    let all = Word::detached(false);
    let writer = Word::detached(true);
    assert_eq!(all, Word::FREE);
    assert!(writer.is_consistent() && !writer.is_queued() && !writer.is_locked());
    // Invariant 9: the woken writer finds the word acquirable, shared acquirers do not.
    assert!(writer.is_exclusive_acquirable() && !writer.is_shared_acquirable());
    assert_eq!(writer.with_exclusive_hold(), Word::EXCLUSIVE);
    assert!(Word::ONE_SHARE.is_consistent() && Word::ONE_SHARE.shares() == 1);
}

#[test]
fn words_keep_the_blocks_provenance() {
    // A real block: the head read back from the word is the block's own pointer.
    let block = WaitBlock::new(true);
    let me: *const WaitBlock = &block;
    let word = Word::EXCLUSIVE.queued_first(me);
    assert_eq!(word.head(), me);
    // SAFETY: `block` is alive; reading through the word's head is what the lock does
    // (and what Miri's strict provenance checks).
    assert!(unsafe { (*word.head()).is_exclusive() });
    let word = word.with_list_lock().released_exclusive_queued();
    // SAFETY: as above.
    assert!(unsafe { (*word.head()).is_exclusive() });
}

//! The router's decisions as pure functions: who may see and take a queued conversation,
//! who is offered it next, where a customer stands in the queue and how long the wait
//! honestly is. The server feeds them the stored queue, the people and the clock.

use std::cmp::Ordering;

use time::{Duration, OffsetDateTime};

use crate::workforce::{AgentId, Presence, QueueEntry, Role, Shift, Skills, priority_rank};

/// The router's knobs (config `[routing]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingPolicy {
    /// An offer not taken within this goes to the next person.
    pub offer_timeout: Duration,
    /// After this long in the queue without a person of the wanted skills, anyone online
    /// may take the conversation: nobody waits forever for a specialist.
    pub skill_wait: Duration,
    /// The handle time assumed until one has been measured.
    pub default_handle_time: Duration,
}

impl Default for RoutingPolicy {
    fn default() -> Self {
        Self {
            offer_timeout: Duration::seconds(30),
            skill_wait: Duration::seconds(60),
            default_handle_time: Duration::minutes(5),
        }
    }
}

/// How well a person fits a queued conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Has every skill the conversation asks for.
    Full,
    /// Lacks some, but the conversation has waited longer than the skill wait.
    Fallback,
}

/// Whether someone with `skills` may take `entry` now.
pub fn fit(
    skills: &Skills,
    entry: &QueueEntry,
    now: OffsetDateTime,
    policy: &RoutingPolicy,
) -> Option<Fit> {
    if skills.covers(&entry.skills) {
        Some(Fit::Full)
    } else if now - entry.since >= policy.skill_wait {
        Some(Fit::Fallback)
    } else {
        None
    }
}

/// Whether a person sees a queued conversation in their queue (and may claim it).
pub fn visible(
    role: Role,
    skills: &Skills,
    entry: &QueueEntry,
    now: OffsetDateTime,
    policy: &RoutingPolicy,
) -> bool {
    role.oversees() || fit(skills, entry, now, policy).is_some()
}

/// Queue order: priority, then the longest wait.
pub fn queue_order(a: &QueueEntry, b: &QueueEntry) -> Ordering {
    priority_rank(a.priority)
        .cmp(&priority_rank(b.priority))
        .then(a.since.cmp(&b.since))
}

/// A person as the router sees them.
#[derive(Debug, Clone)]
pub struct Seat {
    pub id: AgentId,
    pub skills: Skills,
    pub presence: Presence,
    pub max_chats: u32,
    /// Conversations held plus offers open.
    pub active: u32,
    /// When this person last got a conversation or an offer; the longest idle goes first.
    pub last_given: OffsetDateTime,
}

impl Seat {
    pub fn has_room(&self) -> bool {
        self.presence == Presence::Online && self.active < self.max_chats
    }
}

/// A queued conversation as the router sees it.
#[derive(Debug, Clone)]
pub struct Waiting<K> {
    pub key: K,
    pub entry: QueueEntry,
    /// The person it is offered to now, if the offer is still open.
    pub offered_to: Option<AgentId>,
    /// People whose offer of it ran out; they come last.
    pub passed: Vec<AgentId>,
}

/// Decides the next offers: each waiting conversation without an open offer, in queue
/// order, goes to the person online with room who fits best (full skills first), has
/// not let it pass, holds the fewest conversations for their capacity, and waited
/// longest for one. `seats` are updated with the new offers.
pub fn plan_offers<K: Clone>(
    waiting: &[Waiting<K>],
    seats: &mut [Seat],
    now: OffsetDateTime,
    policy: &RoutingPolicy,
) -> Vec<(K, AgentId)> {
    let mut order: Vec<&Waiting<K>> = waiting.iter().collect();
    order.sort_by(|a, b| queue_order(&a.entry, &b.entry));
    let mut offers = Vec::new();
    for w in order.into_iter().filter(|w| w.offered_to.is_none()) {
        let best = seats
            .iter_mut()
            .filter(|s| s.has_room())
            .filter_map(|s| fit(&s.skills, &w.entry, now, policy).map(|f| (f, s)))
            .min_by(|(fa, a), (fb, b)| {
                let passed = |s: &Seat| w.passed.contains(&s.id);
                passed(a)
                    .cmp(&passed(b))
                    .then(fa.cmp(fb))
                    // Fewer held for their capacity: a * b.max < b * a.max.
                    .then((a.active * b.max_chats).cmp(&(b.active * a.max_chats)))
                    .then(a.last_given.cmp(&b.last_given))
                    .then(a.id.cmp(&b.id))
            });
        if let Some((_, seat)) = best {
            seat.active += 1;
            seat.last_given = now;
            offers.push((w.key.clone(), seat.id.clone()));
        }
    }
    offers
}

/// Where a customer stands and how long the wait honestly is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStanding {
    /// 1 for the next conversation to be taken among those competing for the same people.
    pub position: usize,
    /// People online who may take it (now or after the skill wait).
    pub agents_available: usize,
    /// `None` when nobody who could take it is online (H7: say so, never guess).
    pub estimated_wait: Option<Duration>,
    /// The start of the next planned shift of someone who fits, when nobody is online.
    pub next_opening: Option<OffsetDateTime>,
}

/// The standing of `entry` in `queue` (every queued entry, itself included).
///
/// The wait: with free places for everyone ahead, about one offer's time; otherwise the
/// queue ahead beyond the free places drains at `capacity / handle_time`. Only people
/// online count; with none who fit, the fallback to anyone online after the skill wait
/// is used and the remaining skill wait is added.
pub fn standing(
    entry: &QueueEntry,
    queue: &[&QueueEntry],
    seats: &[Seat],
    shifts: &[(Skills, Shift)],
    handle_time: Duration,
    now: OffsetDateTime,
    policy: &RoutingPolicy,
) -> QueueStanding {
    let competes = |other: &QueueEntry| other.skills.iter().any(|s| entry.skills.contains(s));
    let ahead = queue
        .iter()
        .filter(|o| queue_order(o, entry) == Ordering::Less && competes(o))
        .count();
    let online: Vec<&Seat> = seats
        .iter()
        .filter(|s| s.presence == Presence::Online)
        .collect();
    let full: Vec<&Seat> = online
        .iter()
        .copied()
        .filter(|s| s.skills.covers(&entry.skills))
        .collect();
    let (people, extra) = if !full.is_empty() {
        (full, Duration::ZERO)
    } else {
        let remaining = policy.skill_wait - (now - entry.since);
        (online, remaining.max(Duration::ZERO))
    };
    let capacity: i64 = people.iter().map(|s| i64::from(s.max_chats)).sum();
    let free: i64 = people
        .iter()
        .map(|s| i64::from(s.max_chats.saturating_sub(s.active)))
        .sum();
    let estimated_wait = (capacity > 0).then(|| {
        let beyond = ahead as i64 - free + 1;
        let drain = if beyond <= 0 {
            Duration::seconds(30)
        } else {
            Duration::seconds((beyond * handle_time.whole_seconds() + capacity - 1) / capacity)
        };
        drain + extra
    });
    let next_opening = if estimated_wait.is_some() {
        None
    } else {
        let future = |(_, s): &&(Skills, Shift)| s.ends_at > now;
        let start = |(_, s): &(Skills, Shift)| s.starts_at.max(now);
        shifts
            .iter()
            .filter(future)
            .filter(|(skills, _)| skills.covers(&entry.skills))
            .map(start)
            .min()
            .or_else(|| shifts.iter().filter(future).map(start).min())
    };
    QueueStanding {
        position: ahead + 1,
        agents_available: people.len(),
        estimated_wait,
        next_opening,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HandoffReason;
    use crate::Priority;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-12-01 10:00 UTC);

    fn entry(priority: Priority, skills: &str, since_secs_ago: i64) -> QueueEntry {
        QueueEntry {
            priority,
            skills: Skills::parse_list(skills).unwrap(),
            reason: HandoffReason::HumanRequest,
            since: T0 - Duration::seconds(since_secs_ago),
        }
    }

    fn seat(id: &str, skills: &str, max: u32, active: u32) -> Seat {
        Seat {
            id: AgentId::parse(id).unwrap(),
            skills: Skills::parse_list(skills).unwrap(),
            presence: Presence::Online,
            max_chats: max,
            active,
            last_given: T0 - Duration::hours(1),
        }
    }

    fn waiting(key: &str, entry: QueueEntry) -> Waiting<String> {
        Waiting {
            key: key.into(),
            entry,
            offered_to: None,
            passed: vec![],
        }
    }

    fn ids(offers: &[(String, AgentId)]) -> Vec<(String, String)> {
        offers
            .iter()
            .map(|(k, a)| (k.clone(), a.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn skills_decide_who_fits_until_the_skill_wait_is_over() {
        let p = RoutingPolicy::default();
        let e = entry(Priority::Urgent, "en,fraud", 10);
        let sv = Skills::parse_list("sv").unwrap();
        let en_fraud = Skills::parse_list("en,fraud,sv").unwrap();
        assert_eq!(fit(&en_fraud, &e, T0, &p), Some(Fit::Full));
        assert_eq!(fit(&sv, &e, T0, &p), None);
        assert_eq!(
            fit(&sv, &e, T0 + Duration::seconds(50), &p),
            Some(Fit::Fallback)
        );
        assert!(!visible(Role::Agent, &sv, &e, T0, &p));
        assert!(visible(Role::Supervisor, &sv, &e, T0, &p));
    }

    #[test]
    fn urgent_goes_first_then_the_longest_wait() {
        let p = RoutingPolicy::default();
        let queue = vec![
            waiting("normal-old", entry(Priority::Normal, "en", 50)),
            waiting("urgent-new", entry(Priority::Urgent, "en", 1)),
            waiting("high", entry(Priority::High, "en", 5)),
            waiting("normal-older", entry(Priority::Normal, "en", 55)),
        ];
        let mut seats = vec![seat("a", "en", 2, 0), seat("b", "en", 1, 0)];
        let offers = plan_offers(&queue, &mut seats, T0, &p);
        let keys: Vec<_> = offers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["urgent-new", "high", "normal-older"]);
        assert_eq!(seats.iter().map(|s| s.active).sum::<u32>(), 3);
    }

    #[test]
    fn capacity_and_presence_limit_offers() {
        let p = RoutingPolicy::default();
        let queue = vec![
            waiting("one", entry(Priority::Normal, "en", 30)),
            waiting("two", entry(Priority::Normal, "en", 20)),
        ];
        let mut full = seat("full", "en", 2, 2);
        let mut away = seat("away", "en", 3, 0);
        away.presence = Presence::Away;
        let mut seats = vec![full.clone(), away.clone()];
        assert!(plan_offers(&queue, &mut seats, T0, &p).is_empty());
        full.active = 1;
        let mut seats = vec![full, away];
        assert_eq!(
            ids(&plan_offers(&queue, &mut seats, T0, &p)),
            [("one".into(), "full".into())]
        );
    }

    #[test]
    fn specialists_first_then_the_least_loaded_then_the_longest_idle() {
        let p = RoutingPolicy::default();
        let queue = vec![waiting("fraud", entry(Priority::Urgent, "en,fraud", 70))];
        // After the skill wait the generalist could take it, but the specialist fits.
        let mut seats = vec![seat("gen", "en", 3, 0), seat("spec", "en,fraud", 3, 2)];
        assert_eq!(
            plan_offers(&queue, &mut seats, T0, &p)[0].1.as_str(),
            "spec"
        );

        let queue = vec![waiting("x", entry(Priority::Normal, "en", 5))];
        let mut seats = vec![seat("busy", "en", 4, 2), seat("calm", "en", 2, 0)];
        assert_eq!(
            plan_offers(&queue, &mut seats, T0, &p)[0].1.as_str(),
            "calm"
        );

        let mut a = seat("a", "en", 2, 0);
        let mut b = seat("b", "en", 2, 0);
        a.last_given = T0 - Duration::minutes(1);
        b.last_given = T0 - Duration::minutes(9);
        let mut seats = vec![a, b];
        assert_eq!(plan_offers(&queue, &mut seats, T0, &p)[0].1.as_str(), "b");
    }

    #[test]
    fn an_offer_that_ran_out_goes_to_the_next_person() {
        let p = RoutingPolicy::default();
        let mut w = waiting("x", entry(Priority::Normal, "en", 5));
        w.passed = vec![AgentId::parse("a").unwrap()];
        let mut seats = vec![seat("a", "en", 2, 0), seat("b", "en", 2, 1)];
        assert_eq!(
            plan_offers(std::slice::from_ref(&w), &mut seats, T0, &p)[0]
                .1
                .as_str(),
            "b"
        );
        // With nobody else, the one who let it pass gets it again rather than nobody.
        let mut seats = vec![seat("a", "en", 2, 0)];
        assert_eq!(
            plan_offers(&[w.clone()], &mut seats, T0, &p)[0].1.as_str(),
            "a"
        );
        // An open offer is left alone.
        w.offered_to = Some(AgentId::parse("b").unwrap());
        let mut seats = vec![seat("a", "en", 2, 0)];
        assert!(plan_offers(&[w], &mut seats, T0, &p).is_empty());
    }

    #[test]
    fn nobody_without_the_skills_before_the_skill_wait() {
        let p = RoutingPolicy::default();
        let queue = vec![waiting("de", entry(Priority::Normal, "de", 10))];
        let mut seats = vec![seat("en", "en", 2, 0)];
        assert!(plan_offers(&queue, &mut seats, T0, &p).is_empty());
        let queue = vec![waiting("de", entry(Priority::Normal, "de", 61))];
        assert_eq!(plan_offers(&queue, &mut seats, T0, &p).len(), 1);
    }

    #[test]
    fn the_wait_is_counted_from_free_places_capacity_and_handle_time() {
        let p = RoutingPolicy::default();
        let aht = Duration::minutes(6);
        let entries: Vec<QueueEntry> = (0..5)
            .map(|i| entry(Priority::Normal, "en", 100 - i))
            .collect();
        let all: Vec<&QueueEntry> = entries.iter().collect();
        // Two people with one free place: the first waits an offer's time.
        let seats = vec![seat("a", "en", 2, 1), seat("b", "en", 2, 2)];
        let first = standing(&entries[0], &all, &seats, &[], aht, T0, &p);
        assert_eq!(first.position, 1);
        assert_eq!(first.agents_available, 2);
        assert_eq!(first.estimated_wait, Some(Duration::seconds(30)));
        // The fifth: 4 ahead, 1 free, so 4 more must finish over a capacity of 4.
        let fifth = standing(&entries[4], &all, &seats, &[], aht, T0, &p);
        assert_eq!(fifth.position, 5);
        assert_eq!(fifth.estimated_wait, Some(Duration::minutes(6)));
        // A Swedish conversation does not queue behind English ones.
        let sv = entry(Priority::Normal, "sv", 1);
        let mut with_sv = all.clone();
        with_sv.push(&sv);
        let seats_sv = vec![seat("s", "sv", 1, 0)];
        assert_eq!(
            standing(&sv, &with_sv, &seats_sv, &[], aht, T0, &p).position,
            1
        );
        // Urgent ones jump ahead.
        let urgent = entry(Priority::Urgent, "en", 0);
        assert_eq!(
            standing(&urgent, &all, &seats, &[], aht, T0, &p).position,
            1
        );
    }

    #[test]
    fn with_nobody_online_the_wait_is_unknown_and_the_next_shift_is_named() {
        let p = RoutingPolicy::default();
        let e = entry(Priority::Normal, "sv", 0);
        let mut off = seat("a", "sv", 2, 0);
        off.presence = Presence::Offline;
        let shift = |h: i64, skills: &str| {
            (
                Skills::parse_list(skills).unwrap(),
                Shift::new(T0 + Duration::hours(h), T0 + Duration::hours(h + 4)).unwrap(),
            )
        };
        let shifts = vec![shift(1, "en"), shift(3, "sv,en"), shift(-10, "sv")];
        let s = standing(&e, &[&e], &[off], &shifts, Duration::minutes(5), T0, &p);
        assert_eq!(s.estimated_wait, None);
        assert_eq!(s.agents_available, 0);
        assert_eq!(s.next_opening, Some(T0 + Duration::hours(3)));
        // Someone online without Swedish takes it after the skill wait.
        let en = seat("b", "en", 2, 0);
        let s = standing(&e, &[&e], &[en], &shifts, Duration::minutes(5), T0, &p);
        assert_eq!(s.estimated_wait, Some(Duration::seconds(90)));
        assert_eq!(s.next_opening, None);
    }
}

//! Work a view starts that may end after the view is gone: a request, a timer.
//!
//! A view's signals are disposed with it, but a request it started goes on, and writing
//! the answer into them then panics (with `panic = "abort"`, that stops the whole
//! helpdesk). [`Mounted`] is made with the view and tells whether it is still there, so
//! the request still completes (an action the agent asked for is never cut short) and
//! its answer is shown only where it can be.

use std::{future::Future, time::Duration};

use leptos::{prelude::*, task::spawn_local};

/// Made with a view; knows whether that view is still there.
#[derive(Clone, Copy)]
pub struct Mounted(
    /// Owned by the view being built when it was made, so disposed with that view: it
    /// exists exactly as long as the view's other values do.
    StoredValue<()>,
);

impl Mounted {
    /// For the view being built now.
    pub fn new() -> Self {
        Mounted(StoredValue::new(()))
    }

    pub fn get(&self) -> bool {
        self.0.try_get_value().is_some()
    }

    /// Runs `work` to its end, then `show`s what it gave if the view is still there.
    pub fn spawn<T: 'static>(
        &self,
        work: impl Future<Output = T> + 'static,
        show: impl FnOnce(T) + 'static,
    ) {
        let mounted = *self;
        spawn_local(async move {
            let done = work.await;
            if mounted.get() {
                show(done);
            }
        });
    }

    /// Runs `then` after `delay`, if the view is still there.
    pub fn after(&self, delay: Duration, then: impl FnOnce() + 'static) {
        let mounted = *self;
        set_timeout(
            move || {
                if mounted.get() {
                    then();
                }
            },
            delay,
        );
    }
}

impl Default for Mounted {
    fn default() -> Self {
        Self::new()
    }
}

//! The wizard's state: the steps and saved progress, the step in the URL, where progress is
//! kept, and the clock. Nothing here draws anything.

pub(crate) mod clock;
pub mod progress;
pub(crate) mod route;
pub(crate) mod state;
pub(crate) mod storage;

//! The wizard.

//! Small UI pieces shared by the steps: the error alert and the copy button.

pub(crate) mod alert;
pub(crate) mod copy_button;

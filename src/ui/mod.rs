//! Small UI pieces shared by the steps: the error alert, the copy button, the labelled text field
//! and the resource that reads from the device.

pub(crate) mod alert;
pub(crate) mod copy_button;
pub(crate) mod read;
pub(crate) mod text_field;

//! Small UI pieces shared by the steps: the error alert, the copy button and the labelled text field.

pub(crate) mod alert;
pub(crate) mod copy_button;
pub(crate) mod text_field;

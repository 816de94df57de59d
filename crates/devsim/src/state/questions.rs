//! The security-question reset in the device's state: which questions are set, setting them
//! (logged in), and checking the answers of a reset.

use super::{Device, Refusal, ADMIN};
use protocol::isapi::{
    ConfiguredQuestion, QuestionAnswer, QuestionCertification, QuestionConfiguration, SetQuestions,
    SubStatus, QUESTIONS_PER_DEVICE, QUESTION_IDS,
};

impl Device {
    /// `GET questionConfiguration`: which questions are set (never the answers); a device whose
    /// questions were never set lists empty slots.
    pub fn question_configuration(&self) -> Result<QuestionConfiguration, Refusal> {
        if !self.caps.questions() && !self.caps.reset_modes.security_question {
            return Err(Refusal::NotSupported);
        }
        let (state, _) = self.state();
        let questions = match &state.questions {
            Some(answers) => answers
                .iter()
                .map(|a| ConfiguredQuestion {
                    id: a.id,
                    answered: true,
                })
                .collect(),
            None => (1..=u32::try_from(QUESTIONS_PER_DEVICE).unwrap_or(3))
                .map(|id| ConfiguredQuestion {
                    id,
                    answered: false,
                })
                .collect(),
        };
        Ok(QuestionConfiguration { questions })
    }

    /// `PUT questionConfiguration` (logged in): checks the admin password, then sets the
    /// questions: exactly [`QUESTIONS_PER_DEVICE`] distinct catalogue numbers, answers within
    /// the device's answer length limit.
    pub fn set_questions(&self, request: &SetQuestions) -> Result<(), Refusal> {
        if !self.caps.questions() {
            return Err(Refusal::NotSupported);
        }
        self.check_password(ADMIN, &request.admin_password)?;
        let limit = self
            .caps
            .security
            .security_answer_length
            .unwrap_or(protocol::isapi::LengthLimit { min: 1, max: 128 });
        let mut ids: Vec<u32> = request.answers.iter().map(|a| a.id).collect();
        ids.sort_unstable();
        ids.dedup();
        let well_formed = request.answers.len() == QUESTIONS_PER_DEVICE
            && ids.len() == QUESTIONS_PER_DEVICE
            && ids.iter().all(|id| QUESTION_IDS.contains(id))
            && request
                .answers
                .iter()
                .all(|a| limit.contains(a.answer.trim().chars().count()));
        if !well_formed {
            return Err(Refusal::BadBody(SubStatus::BadParameters));
        }
        let (mut state, _) = self.state();
        state.questions = Some(
            request
                .answers
                .iter()
                .map(|a| QuestionAnswer {
                    id: a.id,
                    answer: a.answer.trim().to_owned(),
                })
                .collect(),
        );
        Ok(())
    }

    /// `PUT questionCertification`: the answers to the set questions, then the new password.
    /// Wrong answers count against the lock like wrong codes.
    pub fn certify_questions(&self, request: &QuestionCertification) -> Result<(), Refusal> {
        if !self.caps.reset_modes.security_question {
            return Err(Refusal::NotSupported);
        }
        let (mut state, now) = self.state();
        self.ready(&state, now)?;
        let Some(set) = state.questions.clone() else {
            return Err(Refusal::NoQuestionsSet);
        };
        let mut asked: Vec<u32> = set.iter().map(|a| a.id).collect();
        let mut given: Vec<u32> = request.answers.iter().map(|a| a.id).collect();
        asked.sort_unstable();
        given.sort_unstable();
        // [assumed] A wizard that could not read the list (it needs a login) numbers the
        // answers by their position on the device's page, 1, 2, 3: matched in list order.
        let positions: Vec<u32> = (1..=u32::try_from(set.len()).unwrap_or(0)).collect();
        let by_position = asked != given && given == positions;
        if asked != given && !by_position {
            return Err(Refusal::AnswerCount);
        }
        let all_right = set.iter().enumerate().all(|(i, expected)| {
            let id = if by_position {
                u32::try_from(i + 1).unwrap_or(0)
            } else {
                expected.id
            };
            request
                .answers
                .iter()
                .any(|a| a.id == id && a.answer.trim() == expected.answer)
        });
        if !all_right {
            state.failed_answer_tries += 1;
            if let Some(locked) = self.strike(&mut state, now) {
                return Err(locked);
            }
            return Err(Refusal::WrongAnswers {
                retries_left: self.retries_left(&state),
            });
        }
        self.change_password(&mut state, &request.reset_password)
    }

    /// The security questions and answers, when set (for tests and the demo).
    pub fn question_answers(&self) -> Option<Vec<QuestionAnswer>> {
        self.state().0.questions.clone()
    }
}

/// Invented sentence templates for the benchmark corpus. All text here was written for Sift's benchmark;
/// none is taken from a real report. Placeholders in braces are filled by ``CorpusGenerator``:
///
/// | placeholder | filled with |
/// |---|---|
/// | `{mw}` / `{Mw}` | a midwife (lower case / capitalised) |
/// | `{sr}` / `{Sr}` | a senior clinician |
/// | `{obs}` / `{Obs}` | a clinical sign or finding |
/// | `{dur}` | a duration |
/// | `{time}` | a clock time, HH:MM |
/// | `{woman}` / `{Woman}` | the woman, or Mrs with an initial |
/// | `{area}` | a place in the unit |
/// | `{n}` | a small number |
/// | `{age}` | an age, 19-44 |
enum CorpusTemplates {
    /// How a planted sentence should be read: only `.positive` sentences should be counted by Sift.
    enum Kind: String, Sendable, CaseIterable {
        case positive, negated, hypothetical, praised, recommendation
    }

    struct Template: Sendable {
        var factor: String
        var kind: Kind
        var text: String
    }

    static let midwives = ["the midwife", "the attending midwife", "the band 6 midwife", "the band 5 midwife", "the community midwife",
                           "the triage midwife", "the named midwife", "the bank midwife", "the preceptee midwife"]
    static let seniors = ["the registrar", "the obstetric registrar", "the consultant obstetrician", "the on-call consultant",
                          "the consultant", "the labour ward coordinator", "the senior registrar", "the ST6 registrar"]
    static let observations = ["the pathological CTG", "the suspicious CTG", "the raised maternal temperature", "the maternal tachycardia",
                               "the MEOWS trigger", "the reduced fetal movements", "the rising blood pressure", "the fresh vaginal bleeding",
                               "the prolonged deceleration", "the meconium-stained liquor", "the raised lactate", "the fetal bradycardia",
                               "the loss of baseline variability", "the rising early warning score"]
    static let durations = ["20 minutes", "35 minutes", "40 minutes", "50 minutes", "an hour", "90 minutes", "two hours", "nearly three hours",
                            "over an hour", "45 minutes"]
    static let areas = ["the birth centre", "triage", "the antenatal ward", "delivery suite", "room 4", "room 7", "the induction bay",
                        "the postnatal ward", "obstetric theatre 2", "the maternity assessment unit"]
    static let units = ["Northgate Maternity Unit", "Riverside Birth Centre", "Eastfield Delivery Suite", "Hollins Cross Maternity",
                        "Westmoor Women's Unit", "Kingsmead Birth Centre", "St Aldhelm's Maternity", "Bramley Vale Hospital",
                        "Ashcombe Midwifery Led Unit", "Larchfield Maternity Centre", "Harbourside Women's Hospital", "Thornbury Delivery Suite"]
    static let incidentTypes = ["Hypoxic ischaemic encephalopathy", "Intrapartum stillbirth", "Postpartum haemorrhage over 1500 ml",
                                "Unexpected admission to the neonatal unit", "Maternal admission to intensive care", "Shoulder dystocia",
                                "Uterine rupture", "Eclamptic seizure", "Delayed category 1 caesarean section", "Maternal sepsis",
                                "Neonatal death", "Cord prolapse"]
    static let initials = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "W"]

    /// Sentences about one factor; only the `.positive` ones state that it contributed.
    static let factorSentences: [Template] = [
        // escalation_delay
        .init(factor: "escalation_delay", kind: .positive, text: "There was a delay of {dur} in escalating {obs} to {sr}."),
        .init(factor: "escalation_delay", kind: .positive, text: "{Mw} did not escalate {obs} to {sr}."),
        .init(factor: "escalation_delay", kind: .positive, text: "{Obs} was not escalated to {sr} until {time}."),
        .init(factor: "escalation_delay", kind: .positive, text: "{Mw} failed to escalate the concerns about {obs}."),
        .init(factor: "escalation_delay", kind: .positive, text: "Senior review was not sought even though {obs} had been noted at {time}."),
        .init(factor: "escalation_delay", kind: .positive, text: "{Mw} did not inform the registrar of {obs} for {dur}."),
        .init(factor: "escalation_delay", kind: .negated, text: "There was no delay in escalation once {obs} was recognised."),
        .init(factor: "escalation_delay", kind: .negated, text: "The panel found no evidence of a delay in escalating {obs}."),
        .init(factor: "escalation_delay", kind: .hypothetical, text: "If {obs} had not been escalated, the outcome might have been different."),
        .init(factor: "escalation_delay", kind: .praised, text: "Escalation of {obs} to {sr} at {time} was timely and appropriate."),
        .init(factor: "escalation_delay", kind: .praised, text: "{Mw} escalated {obs} without delay, and this was noted as good practice."),
        .init(factor: "escalation_delay", kind: .recommendation, text: "Midwives should not delay escalating {obs} to {sr}."),
        .init(factor: "escalation_delay", kind: .recommendation, text: "Staff must be reminded that a failure to escalate {obs} puts women at risk."),
        // escalation_response
        .init(factor: "escalation_response", kind: .positive, text: "{Sr} was asked to review {woman} at {time} but did not attend for {dur}."),
        .init(factor: "escalation_response", kind: .positive, text: "{Sr} was busy in theatre and never came to assess {woman}."),
        .init(factor: "escalation_response", kind: .positive, text: "When {mw} raised concerns about {obs}, {sr} declined to come and review."),
        .init(factor: "escalation_response", kind: .praised, text: "{Sr} attended within five minutes of being called, which was commended."),
        // hierarchy_speaking_up
        .init(factor: "hierarchy_speaking_up", kind: .positive, text: "{Mw} did not feel able to challenge the plan made by {sr}."),
        .init(factor: "hierarchy_speaking_up", kind: .positive, text: "Junior staff felt unable to question the decision to continue with the induction."),
        .init(factor: "hierarchy_speaking_up", kind: .recommendation, text: "Staff should be supported so that they do not feel unable to challenge senior colleagues."),
        // fear_incivility
        .init(factor: "fear_incivility", kind: .positive, text: "{Mw} was worried about bothering {sr} again during the night."),
        .init(factor: "fear_incivility", kind: .positive, text: "Midwives described being afraid of being shouted at by {sr}."),
        .init(factor: "fear_incivility", kind: .negated, text: "There was no evidence that staff were worried about bothering {sr}."),
        // confidence_uncertainty
        .init(factor: "confidence_uncertainty", kind: .positive, text: "Staff were falsely reassured by a single normal set of observations."),
        // situational_awareness
        .init(factor: "situational_awareness", kind: .positive, text: "There was a loss of situational awareness while {area} was busy."),
        .init(factor: "situational_awareness", kind: .positive, text: "The team became fixated on the epidural and did not see the wider picture."),
        // fetal_monitoring
        .init(factor: "fetal_monitoring", kind: .positive, text: "The CTG was misinterpreted as normal at {time}."),
        .init(factor: "fetal_monitoring", kind: .positive, text: "The fetal heart rate was not auscultated for {dur} during the second stage."),
        .init(factor: "fetal_monitoring", kind: .positive, text: "No fresh eyes review of the CTG took place between {time} and the birth."),
        .init(factor: "fetal_monitoring", kind: .recommendation, text: "Training should show how easily a CTG can be misinterpreted as normal."),
        // risk_assessment
        .init(factor: "risk_assessment", kind: .positive, text: "The risk assessment was not repeated when {woman} was transferred to {area}."),
        .init(factor: "risk_assessment", kind: .positive, text: "There was a failure to repeat the risk assessment after {obs} was recorded."),
        .init(factor: "risk_assessment", kind: .negated, text: "The panel found no evidence of a failure to repeat the risk assessment."),
        // knowledge_training
        .init(factor: "knowledge_training", kind: .positive, text: "{Mw} had not received training in the new early warning chart."),
        .init(factor: "knowledge_training", kind: .positive, text: "There was insufficient training in the management of shoulder dystocia."),
        .init(factor: "knowledge_training", kind: .recommendation, text: "Refresher training on sepsis recognition will be provided to all midwives."),
        // handover
        .init(factor: "handover", kind: .positive, text: "The handover at {time} was incomplete and did not mention {obs}."),
        .init(factor: "handover", kind: .positive, text: "No SBAR handover was given when {woman} moved to {area}."),
        .init(factor: "handover", kind: .praised, text: "A structured SBAR handover was given at the bedside, which was good practice."),
        // communication
        .init(factor: "communication", kind: .positive, text: "There was a breakdown in communication between the obstetric and anaesthetic teams."),
        .init(factor: "communication", kind: .positive, text: "There was unclear communication about the urgency of the caesarean section."),
        // documentation
        .init(factor: "documentation", kind: .positive, text: "The time of the call to {sr} was not documented."),
        .init(factor: "documentation", kind: .positive, text: "The plan agreed at {time} was not recorded in the notes."),
        // roles_responsibility
        .init(factor: "roles_responsibility", kind: .positive, text: "There was no clear leader during the emergency in {area}."),
        .init(factor: "roles_responsibility", kind: .positive, text: "It was unclear who was responsible for reviewing the CTG."),
        // senior_oversight
        .init(factor: "senior_oversight", kind: .positive, text: "There was no consultant review during the {n} hours of the induction."),
        .init(factor: "senior_oversight", kind: .positive, text: "There was a lack of medical cover on the labour ward that night."),
        // workload_staffing
        .init(factor: "workload_staffing", kind: .positive, text: "The unit was short staffed, with {n} midwives on shift against a planned establishment of 9."),
        .init(factor: "workload_staffing", kind: .positive, text: "Staff described a very high workload and an acuity tool rated red."),
        .init(factor: "workload_staffing", kind: .negated, text: "There was no evidence that the unit was short staffed on the day."),
        // teamwork
        .init(factor: "teamwork", kind: .positive, text: "Poor multidisciplinary team working was evident during the emergency."),
        // guidelines
        .init(factor: "guidelines", kind: .positive, text: "The Trust sepsis guideline was not followed."),
        .init(factor: "guidelines", kind: .positive, text: "The induction of labour guideline was out of date."),
        // equipment_technology
        .init(factor: "equipment_technology", kind: .positive, text: "The CTG machine in room {n} was faulty and the trace was lost for {dur}."),
        .init(factor: "equipment_technology", kind: .negated, text: "There was no evidence that the CTG machine was faulty."),
        // environment_capacity
        .init(factor: "environment_capacity", kind: .positive, text: "There were no available beds on delivery suite, so {woman} waited in {area}."),
        .init(factor: "environment_capacity", kind: .positive, text: "The second theatre was in use when the decision for delivery was made."),
        // interfaces_pathways
        .init(factor: "interfaces_pathways", kind: .positive, text: "{Woman} telephoned triage and was told to call back if the pain got worse."),
        // fatigue_wellbeing
        .init(factor: "fatigue_wellbeing", kind: .positive, text: "{Sr} was fatigued at the end of a run of four night shifts."),
        .init(factor: "fatigue_wellbeing", kind: .negated, text: "None of the staff interviewed reported fatigue."),
        // listening_to_women
        .init(factor: "listening_to_women", kind: .positive, text: "Her concerns about reduced fetal movements were dismissed."),
        .init(factor: "listening_to_women", kind: .positive, text: "The family's concerns about her pain were not taken seriously."),
        // safety_culture
        .init(factor: "safety_culture", kind: .positive, text: "Staff described a culture of blame on the unit."),
        // patient_complexity
        .init(factor: "patient_complexity", kind: .positive, text: "{Woman} had a complex history, including type 1 diabetes and a previous caesarean section."),
    ]

    /// Neutral narrative for summaries and background: states no factor.
    static let background = [
        "{Woman}, aged {age}, was in her second pregnancy.",
        "She booked for maternity care at 10 weeks and her pregnancy was initially considered low risk.",
        "She attended {area} at 39 weeks with spontaneous rupture of membranes.",
        "Her booking blood pressure was 118/72 and her body mass index was 27.",
        "A growth scan at 34 weeks showed the baby on the 40th centile.",
        "She had an uncomplicated first birth in 2019.",
        "She was offered and accepted an induction of labour for prolonged pregnancy.",
        "Her partner was present throughout the labour.",
        "The baby was born by emergency caesarean section and needed resuscitation.",
        "The baby was transferred to the neonatal unit for therapeutic cooling.",
        "This report describes the investigation of the care she received on delivery suite.",
        "The investigation was commissioned by the Director of Midwifery.",
        "The family were informed of the investigation and invited to contribute questions.",
        "Statements were obtained from {n} members of staff and the clinical records were reviewed.",
    ]

    /// Chronology events (after a date and time).
    static let chronology = [
        "Admitted to {area}; observations within normal limits.",
        "Vaginal examination: cervix 4 cm dilated, membranes intact.",
        "CTG commenced; baseline 140 bpm, variability normal.",
        "Epidural sited by the anaesthetist.",
        "Syntocinon infusion started as per guideline.",
        "CTG classified as suspicious by {mw}.",
        "Fresh eyes review documented.",
        "Maternal pulse 112 bpm, temperature 37.9 C.",
        "{Sr} informed by telephone.",
        "{Sr} reviewed {woman}; plan to continue and reassess in one hour.",
        "Fetal blood sample: lactate 4.2.",
        "Decision for category 1 caesarean section.",
        "Transferred to obstetric theatre 2.",
        "Baby born; Apgar scores 3 at 1 minute and 6 at 5 minutes.",
        "Neonatal team in attendance.",
        "Estimated blood loss 1800 ml; major haemorrhage protocol activated.",
        "Handover from the day team to the night team.",
        "Shift coordinator updated on the acuity of the unit.",
    ]

    /// Lessons, root causes and actions that name no factor.
    static let neutralFindings = [
        "The investigation reviewed the care from admission until transfer to the neonatal unit.",
        "The care in the first stage of labour was in line with national guidance.",
        "The decision to offer induction of labour was appropriate.",
        "The panel reviewed the clinical records, the CTG and the staff statements.",
        "The timeline was agreed with the staff involved.",
    ]

    /// Actions that name no factor (action plan items).
    static let actions = [
        "Share the findings of this investigation at the maternity governance meeting",
        "Present the case at the perinatal mortality review meeting",
        "Audit compliance with the induction of labour pathway after six months",
        "Add this case to the multidisciplinary skills drills programme",
        "Send a copy of this report to the family with an offer of a meeting",
    ]

    /// Praise that names no factor (notable practice).
    static let praise = [
        "The neonatal resuscitation was well led and was commended by the panel.",
        "The bereavement care given to the family was excellent.",
        "Communication with the family after the birth was compassionate.",
    ]

    /// Headings: several spellings of each RCA section.
    static let headings: [String: [String]] = [
        "summary": ["Executive summary", "EXECUTIVE SUMMARY", "Summary of the incident", "Case summary"],
        "background": ["Background", "BACKGROUND AND CONTEXT", "Clinical background", "Relevant history"],
        "chronology": ["Chronology", "Chronology of events", "TIMELINE OF EVENTS", "Sequence of events"],
        "findings": ["Findings", "Key findings", "Care and service delivery problems", "ANALYSIS OF FINDINGS", "Issues identified"],
        "contributory": ["Contributory factors", "CONTRIBUTORY FACTORS", "Contributing factors"],
        "rootcause": ["Root cause", "Root causes", "ROOT CAUSE"],
        "notable": ["Notable practice", "Areas of good practice", "What went well"],
        "lessons": ["Lessons learned", "Learning", "Key learning"],
        "recommendations": ["Recommendations", "RECOMMENDATIONS", "Safety recommendations"],
        "actions": ["Action plan", "ACTION PLAN", "Improvement actions"],
    ]
}

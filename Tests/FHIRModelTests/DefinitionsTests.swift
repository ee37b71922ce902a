import Testing
@testable import FHIRModel

@Suite struct DefinitionsTests {
    let r4 = FHIRDefinitions.r4
    let r5 = FHIRDefinitions.r5

    @Test func patientChildrenAreInDefinitionOrder() throws {
        let patient = try #require(r4.type(named: "Patient"))
        #expect(patient.kind == .resource)
        #expect(Array(patient.elements.prefix(12).map(\.name)) == [
            "id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension",
            "identifier", "active", "name", "telecom",
        ])
        #expect(patient.elements.last?.name == "link")
        let name = try #require(patient.element(named: "name"))
        #expect(name.typeCode == "HumanName" && name.definition.isArray)
        let active = try #require(patient.element(named: "active"))
        #expect(active.typeCode == "boolean" && !active.definition.isArray && active.definition.max == "1")
        let contact = try #require(patient.element(named: "contact"))
        #expect(contact.typeCode == "Patient.contact")
        #expect(r4.type(named: "Patient.contact")?.kind == .backboneElement)
        #expect(r4.baseType(of: "Patient.contact") == "BackboneElement")
        #expect(patient.element(named: "deceasedDateTime")?.typeCode == "dateTime")
        #expect(patient.element(named: "deceased") == nil)
        #expect(patient.element(named: "nonsense") == nil)
        #expect(patient.orderIndex(ofJSONName: "resourceType") == -1)
        #expect(patient.orderIndex(ofJSONName: "_birthDate") == patient.orderIndex(ofJSONName: "birthDate"))
        #expect(patient.orderIndex(ofJSONName: "gender")! < patient.orderIndex(ofJSONName: "birthDate")!)
        #expect(patient.orderIndex(ofJSONName: "_nonsense") == nil)
        #expect(r4.type(named: "Patient.contact")?.elements.map(\.name) == [
            "id", "extension", "modifierExtension", "relationship", "name", "telecom", "address", "gender",
            "organization", "period",
        ])
    }

    @Test func observationValueChoiceExpands() throws {
        let observation = try #require(r4.type(named: "Observation"))
        let value = try #require(observation.element(named: "valueQuantity"))
        #expect(value.definition.name == "value" && value.definition.isChoice && value.typeCode == "Quantity")
        #expect(value.definition.typeCodes == [
            "Quantity", "CodeableConcept", "string", "boolean", "integer", "Range", "Ratio", "SampledData", "time",
            "dateTime", "Period",
        ])
        #expect(observation.element(named: "valueString")?.typeCode == "string")
        #expect(observation.element(named: "valueFoo") == nil)
        #expect(observation.element(named: "valueCoding") == nil)
        #expect(observation.element(named: "effectiveInstant")?.typeCode == "instant")
        #expect(observation.orderIndex(ofJSONName: "valueQuantity") == observation.orderIndex(ofJSONName: "_valueString"))
        let component = try #require(r4.type(named: "Observation.component"))
        #expect(component.element(named: "valueCodeableConcept")?.typeCode == "CodeableConcept")
        // R5 adds Attachment and Reference to Observation.value[x].
        #expect(r5.type(named: "Observation")?.element(named: "valueAttachment")?.typeCode == "Attachment")
        #expect(r4.type(named: "Observation")?.element(named: "valueAttachment") == nil)
    }

    @Test func contentReferencePointsAtTheDefiningElement() throws {
        for definitions in [r4, r5] {
            let item = try #require(definitions.type(named: "Questionnaire.item"))
            let nested = try #require(item.element(named: "item"))
            #expect(nested.typeCode == "Questionnaire.item")
            #expect(nested.definition.isContentReference && nested.definition.isArray)
            #expect(definitions.type(named: "Questionnaire.item.item") == nil)
            #expect(item.element(named: "answerOption")?.typeCode == "Questionnaire.item.answerOption")
        }
    }

    @Test func primitiveKindsAndSystemTypes() {
        #expect(r4.primitiveKind("boolean") == .boolean)
        #expect(r4.primitiveKind("positiveInt") == .integer)
        #expect(r4.primitiveKind("unsignedInt") == .integer)
        #expect(r4.primitiveKind("decimal") == .decimal)
        #expect(r4.primitiveKind("code") == .string)
        #expect(r4.primitiveKind("xhtml") == .string)
        #expect(r4.primitiveKind("HumanName") == nil)
        #expect(r4.primitiveKind("integer64") == nil)
        #expect(r5.primitiveKind("integer64") == .integer64)
        #expect(r4.systemType(ofPrimitive: "positiveInt") == "System.Integer")
        #expect(r4.systemType(ofPrimitive: "instant") == "System.DateTime")
        #expect(r4.systemType(ofPrimitive: "date") == "System.Date")
        #expect(r4.systemType(ofPrimitive: "time") == "System.Time")
        #expect(r4.systemType(ofPrimitive: "canonical") == "System.String")
        #expect(r4.systemType(ofPrimitive: "decimal") == "System.Decimal")
        #expect(r5.systemType(ofPrimitive: "integer64") == "System.Long")
        #expect(r4.isPrimitive("string") && r4.isPrimitive("System.String") && !r4.isPrimitive("Quantity"))
        #expect(r4.type(named: "Element")?.element(named: "id")?.typeCode == "System.String")
        #expect(r4.type(named: "Element")?.element(named: "id")?.definition.representation == .xmlAttr)
        #expect(r4.type(named: "Narrative")?.element(named: "div")?.typeCode == "xhtml")
        #expect(r4.type(named: "xhtml")?.element(named: "value")?.definition.representation == .xhtml)
        #expect(r4.type(named: "Patient")?.element(named: "id")?.typeCode == "id")
    }

    @Test func baseChains() {
        #expect(r4.baseType(of: "Patient") == "DomainResource")
        #expect(r4.baseType(of: "DomainResource") == "Resource")
        #expect(r4.baseType(of: "Resource") == nil)
        #expect(r4.baseType(of: "Age") == "Quantity")
        #expect(r4.baseType(of: "HumanName") == "Element")
        #expect(r5.baseType(of: "HumanName") == "DataType")
        #expect(r4.baseType(of: "code") == "string")
        #expect(r4.isSubtype("Age", of: "Quantity") && r4.isSubtype("Age", of: "Element"))
        #expect(r4.isSubtype("Patient", of: "Resource") && !r4.isSubtype("Patient", of: "Element"))
        #expect(r4.isSubtype("positiveInt", of: "integer") && !r4.isSubtype("integer", of: "positiveInt"))
        #expect(r5.isSubtype("Patient", of: "Base"))
        #expect(r4.isResource("Patient") && r4.isResource("DomainResource") && !r4.isResource("HumanName"))
    }

    @Test func resourceListsDifferByRelease() throws {
        #expect(r4.resourceTypeNames.count == 146)
        #expect(r4.resourceTypeNames.contains("Patient") && !r4.resourceTypeNames.contains("DomainResource"))
        #expect(!r4.resourceTypeNames.contains("ActorDefinition"))
        #expect(r5.resourceTypeNames.contains("ActorDefinition"))
        #expect(r5.resourceTypeNames.count == 158)
        // R5 ResearchStudy is reshaped: R4's enrollment and arm give way to recruitment and comparisonGroup.
        let study5 = try #require(r5.type(named: "ResearchStudy"))
        #expect(study5.element(named: "recruitment")?.typeCode == "ResearchStudy.recruitment")
        #expect(study5.element(named: "comparisonGroup")?.definition.isArray == true)
        #expect(study5.element(named: "enrollment") == nil)
        let study4 = try #require(r4.type(named: "ResearchStudy"))
        #expect(study4.element(named: "enrollment")?.typeCode == "Reference")
        #expect(study4.element(named: "recruitment") == nil)
        #expect(FHIRDefinitions.forVersion(.r5) === r5)
    }

    @Test func arrayRuleUsesTheBaseCardinality() throws {
        let extensionOfXHTML = try #require(r4.type(named: "xhtml")?.elementDefinition(named: "extension"))
        #expect(extensionOfXHTML.max == "0" && extensionOfXHTML.isArray)
        let comparator = try #require(r4.type(named: "SimpleQuantity")?.elementDefinition(named: "comparator"))
        #expect(comparator.max == "0" && !comparator.isArray)
    }
}

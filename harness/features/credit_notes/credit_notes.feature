@happy_path @needs:credit_notes
Feature: Credit notes sync as QuickBooks credit memos
  Scenario: Issue a credit note
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    When I issue a credit note for "Jo Citizen" of $20.00 with GST
    Then the credit note's QuickBooks status card shows "Synced"
    And QuickBooks has the credit memo with a total of $22.00
